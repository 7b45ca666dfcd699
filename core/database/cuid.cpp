#include "cuid.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <atomic>

namespace tt {

namespace {

constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

void writeBase36(char *out, quint64 value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = kDigits[value % 36];
        value /= 36;
    }
}

quint64 nextCount()
{
    static std::atomic<quint64> counter{QRandomGenerator::system()->generate()};
    return counter.fetch_add(1) % 1679616ULL; // 36^4
}

// 'c', 8 characters of the time in ms (36^8 ms: until year 2059), 4 of the counter, 6 + 6 random ones.
void writeCuid(char *out, quint64 random1, quint64 random2)
{
    out[0] = 'c';
    writeBase36(out + 1, quint64(QDateTime::currentMSecsSinceEpoch()), 8);
    writeBase36(out + 9, nextCount(), 4);
    writeBase36(out + 13, random1 % 2176782336ULL, 6); // 36^6
    writeBase36(out + 19, random2 % 2176782336ULL, 6);
}

} // namespace

QString newCuid()
{
    auto *rng = QRandomGenerator::system();
    const quint64 a = rng->generate64();
    const quint64 b = rng->generate64();
    char id[CuidGenerator::kLength];
    writeCuid(id, a, b);
    return QString::fromLatin1(id, CuidGenerator::kLength);
}

quint64 CuidGenerator::random()
{
    if (m_used == m_block.size()) { // one call fills the whole block (the quint32 * overload)
        QRandomGenerator::system()->generate(m_block.data(), m_block.data() + m_block.size());
        m_used = 0;
    }
    const quint64 high = m_block[m_used++];
    return high << 32 | m_block[m_used++];
}

void CuidGenerator::next(char *out)
{
    const quint64 a = random();
    writeCuid(out, a, random());
}

bool isCuid(const QString &id)
{
    if (id.size() != 25 || id.front() != u'c')
        return false;
    for (QChar c : id)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z')))
            return false;
    return true;
}

} // namespace tt
