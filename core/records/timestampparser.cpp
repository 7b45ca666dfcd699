#include "timestampparser.h"

#include <QDateTime>
#include <cmath>

namespace tt {

QString dateOrderKey(DateOrder o)
{
    switch (o) {
    case DateOrder::DayFirst: return QStringLiteral("dmy");
    case DateOrder::MonthFirst: return QStringLiteral("mdy");
    case DateOrder::Auto: break;
    }
    return QStringLiteral("auto");
}

DateOrder dateOrderFromKey(const QString &key)
{
    if (key == u"dmy")
        return DateOrder::DayFirst;
    if (key == u"mdy")
        return DateOrder::MonthFirst;
    return DateOrder::Auto;
}

DateOrder defaultDateOrderForZone(const QString &ianaZone)
{
    // Month-first countries: the United States and its territories, the Philippines, a few others.
    static const char *const monthFirst[] = {"America/New_York", "America/Chicago", "America/Denver",
                                             "America/Los_Angeles", "America/Phoenix", "America/Anchorage",
                                             "America/Detroit", "America/Boise", "America/Indiana",
                                             "America/Kentucky", "America/Juneau", "America/Sitka",
                                             "America/Nome", "America/Adak", "America/Menominee",
                                             "America/North_Dakota", "America/Puerto_Rico", "Pacific/Honolulu",
                                             "Pacific/Guam", "Asia/Manila", "US/"};
    for (const char *p : monthFirst)
        if (ianaZone.startsWith(QLatin1String(p)))
            return DateOrder::MonthFirst;
    return DateOrder::DayFirst;
}

qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

bool validDate(int y, int m, int d)
{
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

namespace {

struct Cursor
{
    QStringView s;
    qsizetype i = 0;
    bool atEnd() const { return i >= s.size(); }
    QChar peek() const { return atEnd() ? QChar() : s[i]; }
    bool digits(int minCount, int maxCount, int *out, int *count = nullptr)
    {
        int v = 0, n = 0;
        while (!atEnd() && n < maxCount && s[i].unicode() >= '0' && s[i].unicode() <= '9') {
            v = v * 10 + (s[i].unicode() - '0');
            ++i;
            ++n;
        }
        if (count)
            *count = n;
        if (n < minCount)
            return false;
        *out = v;
        return true;
    }
    bool eat(char16_t c)
    {
        if (!atEnd() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    }
    void skipSpaces()
    {
        while (!atEnd() && s[i].isSpace())
            ++i;
    }
};

bool validTime(int h, int mi, int s) { return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60; }

// Parses "hh:mm[:ss[.fff]] [AM|PM]" at the cursor.
bool parseTime(Cursor &c, int *h, int *mi, int *s, int *ms)
{
    *s = 0;
    *ms = 0;
    if (!c.digits(1, 2, h) || !c.eat(u':') || !c.digits(2, 2, mi))
        return false;
    if (c.eat(u':')) {
        if (!c.digits(2, 2, s))
            return false;
        if (c.eat(u'.') || c.eat(u',')) {
            int frac = 0, n = 0;
            if (!c.digits(1, 9, &frac, &n))
                return false;
            while (n > 3) {
                frac /= 10;
                --n;
            }
            while (n < 3) {
                frac *= 10;
                ++n;
            }
            *ms = frac;
        }
    }
    c.skipSpaces();
    if (!c.atEnd()) {
        const QStringView rest = c.s.mid(c.i);
        const bool am = rest.compare(u"am", Qt::CaseInsensitive) == 0 || rest.compare(u"a.m.", Qt::CaseInsensitive) == 0;
        const bool pm = rest.compare(u"pm", Qt::CaseInsensitive) == 0 || rest.compare(u"p.m.", Qt::CaseInsensitive) == 0;
        if (!am && !pm)
            return false;
        if (*h < 1 || *h > 12)
            return false;
        if (am && *h == 12)
            *h = 0;
        if (pm && *h != 12)
            *h += 12;
        c.i = c.s.size();
    }
    return validTime(*h, *mi, *s);
}

} // namespace

// The form every TrackTally export writes, "2025-11-03T01:23:45.678Z", read without the general cursor; anything
// else (other lengths, offsets, spaces) is left to it. Same result as the general reading of that form.
static std::optional<qint64> exportedIsoUtc(QStringView t, bool *handled)
{
    *handled = false;
    if (t.size() != 24 || t[4] != u'-' || t[7] != u'-' || t[10] != u'T' || t[13] != u':' || t[16] != u':'
        || t[19] != u'.' || t[23] != u'Z')
        return std::nullopt;
    static constexpr int digitAt[17] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22};
    int v[17];
    for (int i = 0; i < 17; ++i) {
        const char16_t ch = t[digitAt[i]].unicode();
        if (ch < u'0' || ch > u'9')
            return std::nullopt;
        v[i] = ch - u'0';
    }
    *handled = true;
    const int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], mo = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
    const int h = v[8] * 10 + v[9], mi = v[10] * 10 + v[11], s = v[12] * 10 + v[13];
    const int ms = v[14] * 100 + v[15] * 10 + v[16];
    if (!validDate(y, mo, d) || !validTime(h, mi, s))
        return std::nullopt;
    return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + qint64(s) * 1000 + ms;
}

std::optional<qint64> TimestampParser::parseIsoUtc(QStringView text)
{
    bool handled = false;
    if (auto ms = exportedIsoUtc(text, &handled); handled)
        return ms;
    Cursor c{text.trimmed()};
    int y, mo, d, h, mi, s = 0, ms = 0;
    if (!c.digits(4, 4, &y) || !c.eat(u'-') || !c.digits(2, 2, &mo) || !c.eat(u'-') || !c.digits(2, 2, &d))
        return std::nullopt;
    if (!(c.eat(u'T') || c.eat(u't') || c.eat(u' ')))
        return std::nullopt;
    if (!c.digits(2, 2, &h) || !c.eat(u':') || !c.digits(2, 2, &mi))
        return std::nullopt;
    if (c.eat(u':')) {
        if (!c.digits(2, 2, &s))
            return std::nullopt;
        if (c.eat(u'.') || c.eat(u',')) {
            int frac = 0, n = 0;
            if (!c.digits(1, 9, &frac, &n))
                return std::nullopt;
            while (n > 3) {
                frac /= 10;
                --n;
            }
            while (n < 3) {
                frac *= 10;
                ++n;
            }
            ms = frac;
        }
    }
    int offsetMin = 0;
    if (c.eat(u'Z') || c.eat(u'z')) {
    } else if (c.peek() == u'+' || c.peek() == u'-') {
        const bool neg = c.peek() == u'-';
        ++c.i;
        int oh, om = 0;
        if (!c.digits(2, 2, &oh))
            return std::nullopt;
        if (c.eat(u':')) {
            if (!c.digits(2, 2, &om))
                return std::nullopt;
        } else if (!c.atEnd()) {
            if (!c.digits(2, 2, &om))
                return std::nullopt;
        }
        if (oh > 18 || om > 59)
            return std::nullopt;
        offsetMin = (neg ? -1 : 1) * (oh * 60 + om);
    } else {
        return std::nullopt; // no zone: not an instant
    }
    if (!c.atEnd() || !validDate(y, mo, d) || !validTime(h, mi, s))
        return std::nullopt;
    const qint64 days = daysFromCivil(y, mo, d);
    const qint64 local = ((days * 24 + h) * 60 + mi) * 60000LL + qint64(s) * 1000 + ms;
    return local - qint64(offsetMin) * 60000;
}

std::optional<LocalDateParts> TimestampParser::parseLocal(QStringView text)
{
    Cursor c{text.trimmed()};
    LocalDateParts p;
    int a, b, y, na = 0, nb = 0, ny = 0;
    if (!c.digits(1, 4, &a, &na))
        return std::nullopt;
    const QChar sep = c.peek();
    if (sep != u'/' && sep != u'-' && sep != u'.')
        return std::nullopt;
    ++c.i;
    if (!c.digits(1, 2, &b, &nb) || !c.eat(sep.unicode()) || !c.digits(1, 4, &y, &ny))
        return std::nullopt;
    if (na == 4) { // y-m-d
        if (ny > 2)
            return std::nullopt;
        p.yearFirst = true;
        p.year = a;
        p.first = b; // month
        p.second = y; // day
    } else {
        if (na > 2 || (ny != 4 && ny != 2))
            return std::nullopt;
        p.first = a;
        p.second = b;
        p.year = ny == 2 ? 2000 + y : y;
    }
    if (!c.atEnd()) {
        if (!(c.eat(u' ') || c.eat(u'T')))
            return std::nullopt;
        c.skipSpaces();
        if (!parseTime(c, &p.hour, &p.minute, &p.second_, &p.msec))
            return std::nullopt;
    }
    if (!c.atEnd())
        return std::nullopt;
    return p;
}

std::optional<qint64> TimestampParser::resolveLocal(const LocalDateParts &p, DateOrder order) const
{
    int d, m;
    if (p.yearFirst) {
        m = p.first;
        d = p.second;
    } else if (order == DateOrder::MonthFirst) {
        m = p.first;
        d = p.second;
    } else {
        d = p.first;
        m = p.second;
    }
    if (!validDate(p.year, m, d))
        return std::nullopt;
    return localToUtc(p.year, m, d, p.hour, p.minute, p.second_, p.msec);
}

std::optional<qint64> TimestampParser::fromSerial(double serial) const
{
    // Plausible range: 1926 .. 2173. Anything else is not a date a log could carry.
    if (!std::isfinite(serial) || serial < 10000 || serial > 100000)
        return std::nullopt;
    const qint64 totalMs = qint64(std::llround(serial * 86400000.0));
    const qint64 dayIndex = totalMs / 86400000;
    const qint64 msOfDay = totalMs % 86400000;
    const qint64 days = dayIndex + daysFromCivil(1899, 12, 30);
    // civil from days
    qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y0 = int(yoe) + int(era) * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const int d = int(doy - (153 * mp + 2) / 5 + 1);
    const int m = int(mp < 10 ? mp + 3 : mp - 9);
    const int y = y0 + (m <= 2);
    const int h = int(msOfDay / 3600000);
    const int mi = int(msOfDay / 60000 % 60);
    const int s = int(msOfDay / 1000 % 60);
    const int ms = int(msOfDay % 1000);
    return localToUtc(y, m, d, h, mi, s, ms);
}

TimestampParser::TimestampParser(const QTimeZone &zone) : m_zone(zone.isValid() ? zone : QTimeZone::systemTimeZone()) {}

qint64 TimestampParser::localToUtc(int y, int mo, int d, int h, int mi, int s, int ms) const
{
    const qint64 days = daysFromCivil(y, mo, d);
    const qint64 localMs = ((days * 24 + h) * 60 + mi) * 60000LL + qint64(s) * 1000 + ms;
    const qint64 hourKey = days * 24 + h;
    auto it = m_offsetCache.constFind(hourKey);
    if (it != m_offsetCache.constEnd())
        return localMs - it.value();
    const QDateTime dt(QDate(y, mo, d), QTime(h, mi, 0), m_zone);
    // In a spring-forward gap Qt moves the time on; the offset it settled on is the one to use.
    const qint64 utc = dt.toMSecsSinceEpoch() + qint64(s) * 1000 + ms;
    const qint64 offset = localMs - utc;
    // Cache only hours whose offset is the same at both ends (not a transition hour).
    const QDateTime end(QDate(y, mo, d), QTime(h, 59, 59), m_zone);
    const qint64 endLocal = ((days * 24 + h) * 60 + 59) * 60000LL + 59000;
    if (endLocal - end.toMSecsSinceEpoch() == offset)
        m_offsetCache.insert(hourKey, offset);
    return utc;
}

} // namespace tt
