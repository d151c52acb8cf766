/* fuzz_source.c - opening an input: any bytes, as a file, go through the
 * detection of zip, gzip or plain data, zlib's checked inflation (cut,
 * corrupt and concatenated members), the one-pass zip walk with its
 * skipped members, and then the readers. Must never crash, leak or hang;
 * a damaged input is an error. The bytes are put in a memfd, then in a
 * pipe, so the real paths (open, read, libzip on a file or on the bytes of
 * a pipe) are the ones exercised. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collectors/ingest.h"
#include "core/dataset.h"
#include "core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads `path` with detection, small caps, and drops everything. */
static void read_path(const char *path)
{
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	struct ingest_opts o;

	dataset_init(&ds);
	diag_init(&dg, 0);
	ingest_opts_init(&o);
	o.max_record = 4096;
	o.max_document = 1 << 20;
	ingest_init(&in, &ds, &dg, &o);
	(void)ingest_file(&in, path, FORMAT_AUTO);
	ingest_release(&in);
	dataset_release(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz_source", MFD_CLOEXEC);
	int p[2];

	/* as a file: libzip reads the archive in place */
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	read_path(path);
	close(fd);
	/* as a pipe (what fits in one without a writer thread): the peeked
	 * bytes must be replayed, a zip is read into memory */
	if (size <= 65536 && pipe2(p, O_CLOEXEC) == 0) {
		if (fcntl(p[1], F_SETPIPE_SZ, 65536) >= 65536 &&
		    (!size || write(p[1], data, size) == (ssize_t)size)) {
			close(p[1]);
			p[1] = -1;
			snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
			read_path(path);
		}
		if (p[1] >= 0)
			close(p[1]);
		close(p[0]);
	}
	return 0;
}
