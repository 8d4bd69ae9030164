// C++ spellings of PostgreSQL node macros that rely on C's typeof.
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/nodes.h"
}

namespace pg_tviews {

// copyObject() for C++: a deep copy with the argument's type.
template <typename T>
T *CopyNode(const T *node)
{
    return static_cast<T *>(copyObjectImpl(node));
}

}  // namespace pg_tviews
