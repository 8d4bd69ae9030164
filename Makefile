# PGXS build of pg_tviews (C++20). JIT bitcode is off: Debian builds it with clang-14, which
# cannot compile C++20.
MODULE_big = pg_tviews
EXTENSION = pg_tviews
DATA = $(wildcard sql/pg_tviews--*.sql)

SRCS = $(sort $(wildcard src/*.cpp src/*/*.cpp))
OBJS = $(SRCS:.cpp=.o)

PG_CONFIG ?= pg_config
override with_llvm = no

# -isystem: PostgreSQL's headers are not ours to keep warning-clean under -Wextra.
PG_CPPFLAGS = -Iinclude -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CXXFLAGS = -std=c++20 -Wall -Wextra -Wno-missing-field-initializers -Wno-register -fno-omit-frame-pointer
SHLIB_LINK = -lstdc++

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Header dependencies: rebuild objects when any project header changes.
$(OBJS): $(wildcard include/pg_tviews/*.hpp include/pg_tviews/*/*.hpp)
