/* fuzz_telegram.c - libFuzzer target for the telegram reader (fuzz/reader.h). */
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader(data, size, FORMAT_TELEGRAM);
}
