// Helpers shared by jejak's tests (tests/helpers/, library jejak_testutil):
// scratch directories, sample events, subprocesses, and raw RocksDB access.
#pragma once

#include "tests/helpers/paths.h"
#include "tests/helpers/raw_db.h"
#include "tests/helpers/samples.h"
#include "tests/helpers/subprocess.h"
#include "tests/helpers/temp_dir.h"
