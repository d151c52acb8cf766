/* cmd_report.c - 'cibscan report'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'report' is not implemented yet");
	return CLI_EXIT_USAGE;
}
