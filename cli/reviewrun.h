/* reviewrun.h - importing a saved run into an existing review store, as
 * 'cibscan review import --run' does, for 'cibscan serve --run'. */
#ifndef CIB_REVIEWRUN_H
#define CIB_REVIEWRUN_H

/* Imports the run file run_path into the existing store db (a run already
 * imported is a no-op, its missing evidence added), printing what
 * 'review import --run' prints. Returns an exit code. */
int review_cli_import_run(const char *db, const char *run_path);

#endif
