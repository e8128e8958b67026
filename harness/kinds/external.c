#include "kind.h"
const struct kind *const kind_external[] = {NULL};
