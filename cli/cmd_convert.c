/* cmd_convert.c - 'cibscan convert'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_convert(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'convert' is not implemented yet");
	return CLI_EXIT_USAGE;
}
