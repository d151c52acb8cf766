/* cmd_review.c - 'cibscan review'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_review(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'review' is not implemented yet");
	return CLI_EXIT_USAGE;
}
