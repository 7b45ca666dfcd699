#pragma once
// The canonical text of a uuid, as the validator stores it (8-4-4-4-12, lower-case hex): recognised and turned into
// its 16 bytes in one place, for the validator (is the cell already canonical?), the dedupe (128-bit keys) and the
// project file (16 bytes instead of 36 characters).
#include <QStringView>

namespace tt {

// True when `text` is a canonical uuid; its bytes (big-endian, as written) are then in out. Any other text (upper
// case, braces, no dashes, characters beyond ASCII) gives false.
bool canonicalUuidBytes(QStringView text, unsigned char out[16]);

inline bool isCanonicalUuid(QStringView text)
{
    unsigned char bytes[16];
    return canonicalUuidBytes(text, bytes);
}

} // namespace tt
