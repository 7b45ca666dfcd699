#pragma once
// The SHA-256 of a source file, as sha256OfFile() gives it (lower-case hex), through OpenSSL: its SHA-NI/AVX2
// code hashes at 1-2 GB/s where QCryptographicHash's portable code manages ~40 MB/s, so hashing a large export
// beside its parse no longer takes longer than the parse (#14).
#include "common/progress.h"

#include <QString>

namespace tt {

// Throws SourceError naming the file when it cannot be opened or read; polls progress for cancel.
QString sourceSha256(const QString &path, const Progress *progress = nullptr);

} // namespace tt
