#pragma once
#include <QString>
#include <QtGlobal>
#include <array>

namespace tt {

// A new cuid as TrackTally's API expects: 'c' + 24 lower-case base-36 characters (25 in all), from the
// time, a process-wide counter and the system CSPRNG. Thread-safe.
QString newCuid();
bool isCuid(const QString &id);

// Many cuids of the same form, quickly (an apply's incident ids): the CSPRNG's words are fetched in blocks
// instead of two system calls per id. One object per thread.
class CuidGenerator
{
public:
    static constexpr int kLength = 25;
    // Writes the next cuid's 25 characters (no terminator) to out.
    void next(char *out);

private:
    quint64 random();
    std::array<quint32, 1024> m_block{};
    size_t m_used = m_block.size();
};

} // namespace tt
