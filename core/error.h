/* error.h - the one error enum of cibscan, generated from CIB_ERR_MAP. */
#ifndef CIB_ERROR_H
#define CIB_ERROR_H

/* X(name, message): every fallible function in the library returns one of
 * these; CIB_OK is 0 so `if (err)` reads naturally. */
#define CIB_ERR_MAP(X)                                         \
	X(OK, "success")                                           \
	X(NOMEM, "out of memory")                                  \
	X(IO, "input/output error")                                \
	X(PARSE, "malformed input")                                \
	X(TOOBIG, "input exceeds a size limit")                    \
	X(FORMAT, "unrecognised input format")                     \
	X(USAGE, "invalid argument")                               \
	X(NOTFOUND, "not found")                                   \
	X(LIB, "library error")                                    \
	X(NET, "network error")                                    \
	X(RANGE, "value out of range")                             \
	X(INTERNAL, "internal error")                              \
	X(CONFLICT, "changed since it was seen")

enum cib_err {
#define CIB_ERR_ENUM(name, msg) CIB_E##name,
	CIB_ERR_MAP(CIB_ERR_ENUM)
#undef CIB_ERR_ENUM
	CIB_E__COUNT
};

#define CIB_OK CIB_EOK

/* Returns a static, lower-case message for `err`; never NULL. */
const char *cib_strerror(enum cib_err err);

/* Returns the enum constant's name ("PARSE") for machine-readable output. */
const char *cib_errname(enum cib_err err);

#endif
