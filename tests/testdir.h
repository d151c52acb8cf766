/* testdir.h - the scratch directories of the unit tests that look at what
 * a call left on disk (tests/test_outputs.c, test_http.c,
 * test_langdetect.c). */
#ifndef CIB_TESTS_TESTDIR_H
#define CIB_TESTS_TESTDIR_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Entries in dir other than "." and "..", or -1 when it cannot be read. */
static inline int testdir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Removes every file in dir (not directories: the tests make none). */
static inline void testdir_clear(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char f[1024];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(f, sizeof(f), "%s/%s", dir, e->d_name);
			unlink(f);
		}
	closedir(d);
}

#endif
