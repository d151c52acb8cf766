/* cmd_score.c - 'cibscan score'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_score(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'score' is not implemented yet");
	return CLI_EXIT_USAGE;
}
