/* sitesrun.c - reading crawls (collectors/warc) into the sites analysis
 * (model/sites), for `cibscan sites` and for a crawl given next to a
 * social export, whose sites are then linked to the accounts
 * (model/siteacc, docs/sites.md "Accounts and sites together").
 *
 * Only successful (2xx) response and resource records holding HTML are
 * parsed. A crawl given with an export is read with the defaults of
 * `cibscan sites`; its malformed records are counted apart from the
 * export's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sitesrun.h"

static int is_html(const struct warc_record *rec)
{
	struct warc_str ct = rec->type == WARC_T_RESOURCE
				     ? rec->content_type
				     : rec->http_content_type;
	size_t i = 0;

	if (ct.n) {
		for (size_t k = 0; k + 4 <= ct.n; k++)
			if (strncasecmp(ct.p + k, "html", 4) == 0)
				return 1;
		return 0;
	}
	while (i < rec->body.n && (rec->body.p[i] == ' ' ||
				   rec->body.p[i] == '\n' ||
				   rec->body.p[i] == '\r' || rec->body.p[i] == '\t'))
		i++;
	return i < rec->body.n && rec->body.p[i] == '<';
}

int cli_warc_read(const char *path, const struct warc_opts *wo,
		  struct diag *dg, struct sites *s, struct htmlpage *pg,
		  struct langdetect *ld, struct warc_read_stats *rs)
{
	struct warc_reader r;
	struct warc_record rec;
	enum cib_err err;
	int got;

	cli_note_input(path);
	err = warc_open(&r, path, wo, dg);
	if (err) {
		cli_error("cannot open '%s': %s", path,
			  err == CIB_EIO ? strerror(errno) : cib_strerror(err));
		warc_close(&r);
		return cli_exit_for(err);
	}
	for (;;) {
		err = warc_next(&r, &rec, &got);
		if (err || !got)
			break;
		rs->records++;
		rs->body_bytes += rec.body.n;
		if (rs->read_only)
			continue;
		if (rec.type != WARC_T_RESPONSE && rec.type != WARC_T_RESOURCE)
			continue;
		if (rec.type == WARC_T_RESPONSE &&
		    (rec.http_status < 200 || rec.http_status > 299))
			continue;
		if (!rec.body.n || !is_html(&rec))
			continue;
		err = htmlpage_parse(pg, rec.body.p, rec.body.n,
				     rec.target_uri.p, rec.target_uri.n);
		if (err)
			break;
		err = sites_add_page(s, pg, rec.ip.p, rec.ip.n,
				     rec.http_server.p, rec.http_server.n,
				     warc_parse_date(rec.date.p, rec.date.n), ld);
		if (err)
			break;
		rs->pages++;
	}
	rs->bytes_in += warc_bytes_in(&r);
	warc_close(&r);
	if (err == CIB_EPARSE) {
		char line[600];

		diag_format(&dg->kept[dg->n_kept ? dg->n_kept - 1 : 0], line,
			    sizeof(line));
		cli_error("%s", line);
		return CLI_EXIT_DATA;
	}
	if (err) {
		cli_error("'%s': %s", path, cib_strerror(err));
		return cli_exit_for(err);
	}
	return CLI_EXIT_OK;
}


void cli_crawl_release(struct cli_crawl *c)
{
	if (!c)
		return;
	siteacc_release(&c->sa);
	sites_release(&c->s);
	free(c);
}

int cli_crawl_run(struct cli_data *d, struct pipeline *p, int quiet)
{
	struct cli_crawl *c;
	struct sites_opts so;
	struct warc_opts wo;
	struct htmlpage pg;
	struct langdetect ld;
	struct diag *dg;
	enum cib_err err;
	int have_ld, rc = CLI_EXIT_OK;
	size_t nflag = 0;

	if (!cli_has_crawl(d))
		return CLI_EXIT_OK;
	c = calloc(1, sizeof(*c));
	dg = malloc(sizeof(*dg));
	if (!c || !dg) {
		free(c);
		free(dg);
		cli_error("%s", cib_strerror(CIB_ENOMEM));
		return CLI_EXIT_SYSTEM;
	}
	diag_init(dg, d->diag.strict);
	sites_opts_init(&so);
	so.keep_articles = 1; /* the report shows them */
	warc_opts_init(&wo);
	sites_init(&c->s, &so);
	siteacc_init(&c->sa);
	htmlpage_init(&pg);
	have_ld = langdetect_init_in(&ld, LANGDETECT_FP_DIR, cli_tmpdir()) ==
		  CIB_OK;
	for (size_t i = 0; i < d->in.n_files && rc == CLI_EXIT_OK; i++) {
		if (!cli_is_crawl(d, i))
			continue;
		c->n_files++;
		rc = cli_warc_read(d->in.files[i].name, &wo, dg, &c->s, &pg,
				   have_ld ? &ld : NULL, &c->rs);
	}
	langdetect_release(&ld);
	htmlpage_release(&pg);
	if (!rc) {
		err = sites_detect(&c->s);
		if (!err)
			err = siteacc_compute(&c->sa, &c->s, p);
		if (err) {
			cli_error("sites analysis: %s", cib_strerror(err));
			rc = cli_exit_for(err);
		}
	}
	if (rc) {
		free(dg);
		cli_crawl_release(c);
		return rc;
	}
	siteacc_apply(&c->sa, p);
	p->sa = &c->sa;
	d->crawl = c;
	if (!quiet) {
		nflag = 0;
		for (size_t i = 0; i < c->s.n_sites; i++)
			nflag += c->s.site[i].flagged;
		fprintf(stderr,
			"cibscan: crawl: %llu HTML pages, %zu sites, %zu "
			"networks (%zu sites flagged); %llu of %llu links go to "
			"crawled sites; %zu accounts keep linking to a flagged "
			"network (%zu flagged by the site rule), %zu sites "
			"promoted by a flagged account cluster\n",
			(unsigned long long)c->rs.pages, c->s.n_sites,
			c->s.n_groups, nflag,
			(unsigned long long)c->sa.n_links_crawled,
			(unsigned long long)c->sa.n_links, c->sa.n_evidence,
			c->sa.n_raised, c->sa.n_sites_promoted);
		cli_diag_summary(dg);
	}
	free(dg);
	return CLI_EXIT_OK;
}
