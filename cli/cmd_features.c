/* cmd_features.c - 'cibscan features'. STUB: not implemented yet. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int cmd_features(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'features' is not implemented yet");
	return CLI_EXIT_USAGE;
}
