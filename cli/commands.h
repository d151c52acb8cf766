/* commands.h - the subcommands' entry points, one per cli/cmd_<name>.c.
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns an enum cli_exit code. */
#ifndef CIB_COMMANDS_H
#define CIB_COMMANDS_H

int cmd_inspect(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_flag(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_formats(int argc, char **argv);
int cmd_sites(int argc, char **argv);
int cmd_synth_sites(int argc, char **argv);

#endif
