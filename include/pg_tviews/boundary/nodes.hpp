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

// PostgreSQL 15 declares tree walkers as bool (*)() (old-style C); C++ needs the cast spelled
// out. void (*)(void) is the type GCC lets any function pointer pass through without warning.
using LegacyWalker = bool (*)();
inline LegacyWalker WalkerFn(bool (*walker)(Node *, void *))
{
    return reinterpret_cast<LegacyWalker>(reinterpret_cast<void (*)(void)>(walker));
}

}  // namespace pg_tviews
