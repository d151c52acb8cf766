/* cmd_collect.c - 'cibscan collect'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_collect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'collect' is not implemented yet");
	return CLI_EXIT_USAGE;
}
