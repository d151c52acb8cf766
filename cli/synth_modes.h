/* synth_modes.h - the 'cibscan synth' modes written under synth/
 * (--cosharing, ...): option parsing and dispatch, kept apart from the
 * default archive generator's options in cmd_synth.c. */
#ifndef CIB_CLI_SYNTH_MODES_H
#define CIB_CLI_SYNTH_MODES_H

/* 1 when argv names one of these modes */
int synth_modes_wanted(int argc, char **argv);
/* runs 'cibscan synth' in that mode; returns the exit code */
int synth_modes_main(int argc, char **argv);

#endif
