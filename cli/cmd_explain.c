/* cmd_explain.c - 'cibscan explain'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_explain(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'explain' is not implemented yet");
	return CLI_EXIT_USAGE;
}
