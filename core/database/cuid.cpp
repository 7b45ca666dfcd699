#include "cuid.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <atomic>

namespace tt {

namespace {

void appendBase36(QString *out, quint64 value, int width)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    QString part(width, u'0');
    for (int i = width - 1; i >= 0; --i) {
        part[i] = QLatin1Char(digits[value % 36]);
        value /= 36;
    }
    out->append(part);
}

} // namespace

QString newCuid()
{
    static std::atomic<quint64> counter{QRandomGenerator::system()->generate()};
    QString id;
    id.reserve(25);
    id.append(u'c');
    appendBase36(&id, quint64(QDateTime::currentMSecsSinceEpoch()), 8); // 36^8 ms: until year 2059
    appendBase36(&id, counter.fetch_add(1) % 1679616ULL, 4);            // 36^4
    auto *rng = QRandomGenerator::system();
    appendBase36(&id, rng->generate64() % 2176782336ULL, 6);            // 36^6
    appendBase36(&id, rng->generate64() % 2176782336ULL, 6);
    return id;
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
