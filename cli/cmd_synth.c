/* cmd_synth.c - 'cibscan synth'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_synth(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'synth' is not implemented yet");
	return CLI_EXIT_USAGE;
}
