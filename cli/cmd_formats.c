/* cmd_formats.c - 'cibscan formats': the input formats and their names. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

int cmd_formats(int argc, char **argv)
{
	(void)argv;
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: cibscan formats\n\nLists the names accepted by "
		       "--format.\n");
		return CLI_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error("formats", "unexpected argument '%s'",
				       argv[1]);
	for (int f = 1; f < FORMAT__COUNT; f++)
		printf("%-17s %s\n", format_name((enum cib_format)f),
		       format_description((enum cib_format)f));
	return CLI_EXIT_OK;
}
