// RocksDB's statuses as base::Error, in one place for every database of
// jejak (the ledger's, its index database, the projections'), so that each
// says "busy" and "corruption" the same way.
#pragma once

#include <rocksdb/status.h>

#include <string>

namespace jejak::base {

// Whether s is the failure to lock a database's LOCK file: another process
// has the database open for writing (or this one does, through another
// handle). RocksDB reports it as an IOError whose text is all there is to go
// by: "While lock file: DIR/LOCK: <errno text>" from another process, "lock
// hold by current process, acquire time ..." from this one. (Not
// rocksdb::Status::IsBusy, which is RocksDB's own "try again".)
bool IsLocked(const rocksdb::Status& s);

// Throws the matching Error, "<what>: <RocksDB's message>", if !s.ok():
// kBusy (IsLocked), kCorruption, kNotFound, kInvalidArgument, else kIoError.
// what names the operation ("opening ledger DIR").
void ThrowIfError(const rocksdb::Status& s, const std::string& what);

}  // namespace jejak::base
