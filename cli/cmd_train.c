/* cmd_train.c - 'cibscan train'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_train(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'train' is not implemented yet");
	return CLI_EXIT_USAGE;
}
