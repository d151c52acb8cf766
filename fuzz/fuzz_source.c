/* fuzz_source.c - opening an input: any bytes, as a file, go through the
 * detection of zip, gzip or plain data, zlib's checked inflation (cut,
 * corrupt and concatenated members), the one-pass zip walk with its
 * skipped members, and then the readers. Must never crash, leak or hang;
 * a damaged input is an error. The bytes are put in a memfd so the real
 * path (open, read, libzip on a file) is the one exercised. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collectors/ingest.h"
#include "core/dataset.h"
#include "core/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dataset ds;
	struct diag dg;
	struct ingest in;
	struct ingest_opts o;
	char path[64];
	int fd = memfd_create("fuzz_source", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dataset_init(&ds);
	diag_init(&dg, 0);
	ingest_opts_init(&o);
	o.max_record = 4096;
	o.max_document = 1 << 20;
	ingest_init(&in, &ds, &dg, &o);
	(void)ingest_file(&in, path, FORMAT_AUTO);
	ingest_release(&in);
	dataset_release(&ds);
	close(fd);
	return 0;
}
