/* fuzz_xapi.c - libFuzzer target for the xapi reader (fuzz/reader.h). */
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader(data, size, FORMAT_XAPI);
}
