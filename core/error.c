/* error.c - messages and names for enum cib_err, from the one X-macro list. */
#include "error.h"

static const char *const messages[] = {
#define CIB_ERR_MSG(name, msg) msg,
	CIB_ERR_MAP(CIB_ERR_MSG)
#undef CIB_ERR_MSG
};

static const char *const names[] = {
#define CIB_ERR_NAME(name, msg) #name,
	CIB_ERR_MAP(CIB_ERR_NAME)
#undef CIB_ERR_NAME
};

const char *cib_strerror(enum cib_err err)
{
	if ((unsigned)err >= CIB_E__COUNT)
		return "unknown error";
	return messages[err];
}

const char *cib_errname(enum cib_err err)
{
	if ((unsigned)err >= CIB_E__COUNT)
		return "UNKNOWN";
	return names[err];
}
