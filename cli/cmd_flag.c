/* cmd_flag.c - 'cibscan flag'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_flag(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'flag' is not implemented yet");
	return CLI_EXIT_USAGE;
}
