/* cmd_synth_sites.c - 'cibscan synth-sites': a synthetic web crawl with
 * site networks, organic look-alikes and ground truth (synth/sitegen). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "synth/sitegen.h"

static const char usage_text[] =
	"usage: cibscan synth-sites -o DIR [options]\n\n"
	"Writes DIR/crawl.warc.gz, a web crawl of organic sites, site networks\n"
	"(Haixun-like and Haimai-like) and organic look-alikes (wire\n"
	"republishers, a popular theme, a CDN, a media group), and\n"
	"DIR/truth.csv (site,role,group_id). docs/sites.md describes them.\n\n"
	"options:\n"
	"  -o, --output DIR     output directory (created if missing)\n"
	"  --seed N             random seed (default 1)\n"
	"  --organic N          organic sites (default: drawn, 180 to 320)\n"
	"  --pages N            pages per site (default: drawn, 3 to 8)\n"
	"  --paragraphs N       paragraphs per article (default: 4 to 10)\n"
	"  --haixun N           Haixun-like networks (default: 1 or 2)\n"
	"  --haimai N           Haimai-like networks (default: 1 or 2)\n"
	"  --gzip-level N       1 to 9 (default 6)\n"
	"  -h, --help           this help\n";

int cmd_synth_sites(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "organic", required_argument, NULL, 'g' },
		{ "pages", required_argument, NULL, 'p' },
		{ "paragraphs", required_argument, NULL, 'P' },
		{ "haixun", required_argument, NULL, 'x' },
		{ "haimai", required_argument, NULL, 'm' },
		{ "gzip-level", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sitegen_opts o;
	struct sitegen_stats st;
	const char *dir = NULL;
	char msg[4200] = "";
	enum cib_err err;
	long v;
	int c;

	sitegen_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (c == 'o') {
			dir = optarg;
			continue;
		}
		if (c == 'h') {
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		}
		if (c == '?' || !optarg) {
			fprintf(stderr, "try 'cibscan synth-sites --help'\n");
			return CLI_EXIT_USAGE;
		}
		if (cli_parse_long(optarg, &v) || v < 0 || v > 100000000)
			return cli_usage_error("synth-sites", "bad value '%s'",
					       optarg);
		switch (c) {
		case 's': o.seed = (uint64_t)v; break;
		case 'g': o.organic = (size_t)v; break;
		case 'p': o.pages = (size_t)v; break;
		case 'P': o.paragraphs = (size_t)v; break;
		case 'x':
			if (v > 8)
				return cli_usage_error("synth-sites",
						       "--haixun at most 8");
			o.haixun = (int)v;
			break;
		case 'm':
			if (v > 8)
				return cli_usage_error("synth-sites",
						       "--haimai at most 8");
			o.haimai = (int)v;
			break;
		case 'z':
			if (v < 1 || v > 9)
				return cli_usage_error("synth-sites",
						       "--gzip-level 1 to 9");
			o.gzip_level = (int)v;
			break;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (!dir)
		return cli_usage_error("synth-sites", "-o DIR is required");
	if (optind < argc)
		return cli_usage_error("synth-sites", "unexpected '%s'",
				       argv[optind]);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("cannot create '%s': %s", dir, strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	err = sitegen_write(&o, dir, &st, msg, sizeof(msg));
	if (err) {
		/* msg names the file and why; empty before any file */
		if (msg[0])
			cli_error("%s", msg);
		else
			cli_error("cannot write '%s': %s", dir,
				  cib_strerror(err));
		return cli_exit_for(err);
	}
	fprintf(stderr, "cibscan: %zu sites, %zu pages, %zu records, %llu "
			"bytes in %s/crawl.warc.gz\n",
		st.sites, st.pages, st.records,
		(unsigned long long)st.bytes_out, dir);
	return CLI_EXIT_OK;
}
