#include "incidentfilter.h"

#include <QHash>
#include <QStringMatcher>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <numeric>
#include <thread>

namespace tt {

namespace {

const QDate Epoch(1970, 1, 1);
constexpr char FieldSep = '\x1f';
constexpr char RecordSep = '\x1e';

unsigned threadsFor(size_t n)
{
    return n < 50000 ? 1u : qBound(1u, std::thread::hardware_concurrency(), 8u);
}

// Runs work(part, begin, end) over `threads` slices of [0, n), the first on this thread.
template<typename Work>
void inParallel(size_t n, unsigned threads, Work work)
{
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back([&, t] { work(t, n * t / threads, n * (t + 1) / threads); });
    work(0u, size_t(0), n / threads);
    for (std::thread &t : pool)
        t.join();
}

const QString *textOf(const IncidentRecord &r, int column)
{
    switch (IncidentColumn(column)) {
    case IncidentColumn::Student: return &r.studentName;
    case IncidentColumn::StudentId: return &r.studentId;
    case IncidentColumn::Class: return &r.classCode;
    case IncidentColumn::Teacher: return &r.teacherEmail;
    case IncidentColumn::Level: return &r.level;
    case IncidentColumn::Category: return &r.category;
    case IncidentColumn::Location: return &r.location;
    case IncidentColumn::Action: return &r.actionTaken;
    case IncidentColumn::Note: return &r.note;
    default: return nullptr;
    }
}

// The column's order of two values (0 = equal for sorting; the time decides).
int compareText(const QString &x, const QString &y, int column)
{
    switch (IncidentColumn(column)) {
    case IncidentColumn::StudentId: // numbers as text: shorter first, then by characters
        return x.size() != y.size() ? (x.size() < y.size() ? -1 : 1) : x.compare(y);
    case IncidentColumn::Teacher: return x.compare(y);
    default: return QString::compare(x, y, Qt::CaseInsensitive);
    }
}

// Appends s case-folded (per code point, as QString::toCaseFolded) as UTF-8, without a temporary string.
void appendFolded(QByteArray &out, const QString &s)
{
    const qsizetype at = out.size();
    out.resize(at + s.size() * 3); // the most UTF-8 bytes a UTF-16 unit can need
    char *p = out.data() + at;
    const auto *u = reinterpret_cast<const char16_t *>(s.utf16());
    for (qsizetype k = 0, n = s.size(); k < n; ++k) {
        char32_t c = u[k];
        if (c < 0x80) {
            *p++ = char(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        if (QChar::isHighSurrogate(c) && k + 1 < n && QChar::isLowSurrogate(u[k + 1]))
            c = QChar::surrogateToUcs4(char16_t(c), u[++k]);
        c = QChar::toCaseFolded(c);
        if (c < 0x800) {
            *p++ = char(0xC0 | (c >> 6));
        } else if (c < 0x10000) {
            *p++ = char(0xE0 | (c >> 12));
            *p++ = char(0x80 | ((c >> 6) & 0x3F));
        } else {
            *p++ = char(0xF0 | (c >> 18));
            *p++ = char(0x80 | ((c >> 12) & 0x3F));
            *p++ = char(0x80 | ((c >> 6) & 0x3F));
        }
        *p++ = char(0x80 | (c & 0x3F));
    }
    out.resize(p - out.constData());
}

// Per distinct value: 1 if its folded text holds the folded needle.
std::vector<char> valueHits(const std::vector<QString> &values, const QByteArray &needle)
{
    std::vector<char> ok(values.size(), 0);
    QByteArray folded;
    for (size_t k = 0; k < values.size(); ++k) {
        folded.clear();
        appendFolded(folded, values[k]);
        ok[k] = memmem(folded.constData(), size_t(folded.size()), needle.constData(), size_t(needle.size())) != nullptr;
    }
    return ok;
}

// Per record: 1 if the folded needle is in its note or in one of its other searched fields.
std::vector<char> textHits(const IncidentIndex &index, const QByteArray &needle, unsigned threads)
{
    const IncidentIndex::Folded &f = index.folded();
    const IncidentIndex::Ids &ids = index.ids();
    const std::vector<char> name = valueHits(ids.studentNames, needle), email = valueHits(ids.teacherEmails, needle),
                            category = valueHits(ids.categories, needle), location = valueHits(ids.locations, needle),
                            action = valueHits(ids.actions, needle);
    const size_t n = index.records().size();
    std::vector<char> hits(n, 0);
    inParallel(n, threads, [&](unsigned, size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            hits[i] = char(name[ids.studentName[i]] | email[ids.teacherEmail[i]] | category[ids.category[i]]
                           | location[ids.location[i]] | action[ids.actionTaken[i]]);
        const char *base = f.bytes.constData();
        const char *pos = base + f.offsets[begin], *stop = base + f.offsets[end];
        size_t rec = begin;
        while (pos < stop) {
            const void *hit = memmem(pos, size_t(stop - pos), needle.constData(), size_t(needle.size()));
            if (!hit)
                break;
            const qint64 at = static_cast<const char *>(hit) - base;
            while (f.offsets[rec + 1] <= at) // hits come in order: walk forward to the record that holds this one
                ++rec;
            hits[rec] = 1;
            pos = base + f.offsets[++rec]; // on to the next record
        }
    });
    return hits;
}

struct Part
{
    std::vector<int> weeks, cats, classes; // logs per week (from the first record's week), category id, class id
    qint64 matches = 0;
};

void mergeStats(const IncidentIndex &index, const std::vector<Part> &parts, IncidentStats &stats)
{
    const IncidentIndex::Ids &ids = index.ids();
    std::vector<int> weeks(parts.front().weeks.size()), cats(ids.categories.size()), classes(ids.classCodes.size());
    for (const Part &p : parts) {
        stats.total += p.matches;
        for (size_t k = 0; k < weeks.size(); ++k)
            weeks[k] += p.weeks[k];
        for (size_t k = 0; k < cats.size(); ++k)
            cats[k] += p.cats[k];
        for (size_t k = 0; k < classes.size(); ++k)
            classes[k] += p.classes[k];
    }
    // every week from the first to the last that matched: weeks without a log are 0, not gaps the line skips
    const auto first = std::find_if(weeks.begin(), weeks.end(), [](int n) { return n > 0; });
    const auto last = std::find_if(weeks.rbegin(), weeks.rend(), [](int n) { return n > 0; });
    for (auto it = first; it != weeks.end() && it <= last.base() - 1; ++it)
        stats.perWeek.insert(Epoch.addDays(index.firstMonday() + 7 * (it - weeks.begin())), *it);
    for (size_t k = 0; k < cats.size(); ++k)
        if (cats[k] > 0)
            stats.perCategory[ids.categories[k]] += cats[k];
    for (size_t k = 0; k < classes.size(); ++k)
        if (classes[k] > 0)
            stats.perClass[ids.classCodes[k]] += classes[k];
}

struct Matcher
{
    const IncidentCriteria &c;
    const std::vector<char> *hits; // text search done over the folded buffer; null: use the matcher below
    QStringMatcher text, student;
    const IncidentIndex::Ids &ids;
    qint64 category = -1;           // the category's id (-1: any; -2: none logged)
    std::vector<char> classOk;      // per class id: equal to the class asked for, case aside (empty: any)
    std::vector<char> textIsId, textIsClass, textIsLevel; // per id: the whole text is that student id / class / level

    bool operator()(const IncidentRecord &r, qint32 day, size_t i) const
    {
        if (category != -1 && qint64(ids.category[i]) != category)
            return false;
        if (!classOk.empty() && !classOk[ids.classCode[i]])
            return false;
        if (c.type >= 0 && int(r.type) != c.type)
            return false;
        if (day < c.fromDay || day > c.toDay)
            return false;
        if (!c.teacher.isEmpty() && !r.teacherEmail.contains(c.teacher, Qt::CaseInsensitive))
            return false;
        if (!c.student.isEmpty() && r.studentId != c.student && student.indexIn(r.studentName) < 0)
            return false;
        if (c.text.isEmpty())
            return true;
        if (hits ? (*hits)[i] != 0 : textInFields(r))
            return true;
        return textIsId[ids.studentId[i]] || textIsClass[ids.classCode[i]] || textIsLevel[ids.level[i]];
    }
    bool textInFields(const IncidentRecord &r) const
    {
        return text.indexIn(r.note) >= 0 || text.indexIn(r.studentName) >= 0 || text.indexIn(r.teacherEmail) >= 0
            || text.indexIn(r.category) >= 0 || text.indexIn(r.location) >= 0 || text.indexIn(r.actionTaken) >= 0;
    }
};

} // namespace

IncidentIndex::IncidentIndex(std::shared_ptr<const std::vector<IncidentRecord>> records, std::vector<qint32> days)
    : m_records(std::move(records)), m_days(std::move(days)), m_orders(size_t(IncidentColumn::Count))
{
    if (m_days.empty())
        return;
    const auto [lo, hi] = std::minmax_element(m_days.begin(), m_days.end());
    m_firstMonday = *lo - ((*lo % 7 + 7 + 3) % 7); // 1970-01-01 was a Thursday
    m_lastDay = *hi;
}

bool IncidentIndex::lessThan(const IncidentRecord &a, const IncidentRecord &b, int column)
{
    int c = 0;
    if (column == int(IncidentColumn::Type))
        c = int(a.type) - int(b.type);
    else if (const QString *x = textOf(a, column))
        c = compareText(*x, *textOf(b, column), column);
    return c != 0 ? c < 0 : a.timestampMs < b.timestampMs;
}

std::shared_ptr<const std::vector<int>> IncidentIndex::order(int column) const
{
    column = qBound(0, column, int(IncidentColumn::Count) - 1);
    std::lock_guard lock(m_mutex);
    if (m_orders[size_t(column)])
        return m_orders[size_t(column)];
    const auto &recs = *m_records;
    const size_t n = recs.size();
    if (!m_orders[0]) { // by time (ties: record order): every other column's tie-break
        std::vector<std::pair<qint64, int>> times(n);
        for (size_t i = 0; i < n; ++i)
            times[i] = {recs[i].timestampMs, int(i)};
        std::sort(times.begin(), times.end());
        auto byTime = std::make_shared<std::vector<int>>(n);
        for (size_t k = 0; k < n; ++k)
            (*byTime)[k] = times[k].second;
        m_orders[0] = std::move(byTime);
    }
    if (column == 0)
        return m_orders[0];
    // The rank of each record's value among the column's distinct values, then its rank in time: one integer.
    std::vector<quint32> valueRank(n, 0);
    if (column == int(IncidentColumn::Type)) {
        for (size_t i = 0; i < n; ++i)
            valueRank[i] = quint32(recs[i].type);
    } else {
        QHash<QString, quint32> ids;
        std::vector<const QString *> distinct;
        for (size_t i = 0; i < n; ++i) {
            const QString &v = *textOf(recs[i], column);
            auto it = ids.constFind(v);
            if (it == ids.constEnd()) {
                it = ids.insert(v, quint32(distinct.size()));
                distinct.push_back(&v);
            }
            valueRank[i] = it.value();
        }
        std::vector<quint32> sorted(distinct.size());
        std::iota(sorted.begin(), sorted.end(), 0u);
        std::sort(sorted.begin(), sorted.end(), [&](quint32 a, quint32 b) { return compareText(*distinct[a], *distinct[b], column) < 0; });
        std::vector<quint32> rankOfId(distinct.size());
        quint32 rank = 0;
        for (size_t k = 0; k < sorted.size(); ++k) {
            if (k > 0 && compareText(*distinct[sorted[k - 1]], *distinct[sorted[k]], column) != 0)
                ++rank;
            rankOfId[sorted[k]] = rank;
        }
        for (size_t i = 0; i < n; ++i)
            valueRank[i] = rankOfId[valueRank[i]];
    }
    std::vector<std::pair<quint64, int>> keys(n);
    const std::vector<int> &byTime = *m_orders[0];
    for (size_t t = 0; t < n; ++t)
        keys[t] = {(quint64(valueRank[size_t(byTime[t])]) << 32) | quint64(t), byTime[t]};
    std::sort(keys.begin(), keys.end());
    auto out = std::make_shared<std::vector<int>>(n);
    for (size_t k = 0; k < n; ++k)
        (*out)[k] = keys[k].second;
    m_orders[size_t(column)] = out;
    return out;
}

const IncidentIndex::Folded &IncidentIndex::folded() const
{
    std::call_once(m_foldedOnce, [this] {
        const auto &recs = *m_records;
        const size_t n = recs.size();
        const unsigned threads = threadsFor(n);
        std::vector<QByteArray> chunks(threads);
        std::vector<std::vector<qint64>> starts(threads);
        inParallel(n, threads, [&](unsigned part, size_t begin, size_t end) {
            QByteArray &out = chunks[part];
            out.reserve(qsizetype(end - begin) * 64);
            starts[part].reserve(end - begin);
            for (size_t i = begin; i < end; ++i) {
                starts[part].push_back(out.size());
                const IncidentRecord &r = recs[i];
                appendFolded(out, r.note);
                out += RecordSep;
            }
        });
        qint64 total = 0;
        for (const QByteArray &c : chunks)
            total += c.size();
        m_folded.bytes.reserve(qsizetype(total));
        m_folded.offsets.reserve(n + 1);
        for (unsigned part = 0; part < threads; ++part) {
            const qint64 base = m_folded.bytes.size();
            for (qint64 s : starts[part])
                m_folded.offsets.push_back(base + s);
            m_folded.bytes += chunks[part];
            chunks[part] = QByteArray();
        }
        m_folded.offsets.push_back(m_folded.bytes.size());
    });
    return m_folded;
}

const IncidentIndex::Ids &IncidentIndex::ids() const
{
    std::call_once(m_idsOnce, [this] {
        const auto &recs = *m_records;
        auto intern = [&](const QString IncidentRecord::*field, std::vector<quint32> &ids, std::vector<QString> &values) {
            QHash<QString, quint32> seen;
            ids.resize(recs.size());
            for (size_t i = 0; i < recs.size(); ++i) {
                const QString &v = recs[i].*field;
                auto it = seen.constFind(v);
                if (it == seen.constEnd()) {
                    it = seen.insert(v, quint32(values.size()));
                    values.push_back(v);
                }
                ids[i] = it.value();
            }
        };
        std::thread other([&] { // four fields each on two cores
            intern(&IncidentRecord::category, m_ids.category, m_ids.categories);
            intern(&IncidentRecord::classCode, m_ids.classCode, m_ids.classCodes);
            intern(&IncidentRecord::studentName, m_ids.studentName, m_ids.studentNames);
            intern(&IncidentRecord::location, m_ids.location, m_ids.locations);
        });
        intern(&IncidentRecord::level, m_ids.level, m_ids.levels);
        intern(&IncidentRecord::studentId, m_ids.studentId, m_ids.studentIds);
        intern(&IncidentRecord::teacherEmail, m_ids.teacherEmail, m_ids.teacherEmails);
        intern(&IncidentRecord::actionTaken, m_ids.actionTaken, m_ids.actions);
        other.join();
    });
    return m_ids;
}

bool sameFilter(const IncidentCriteria &a, const IncidentCriteria &b)
{
    return a.type == b.type && a.fromDay == b.fromDay && a.toDay == b.toDay && a.teacher == b.teacher
        && a.classCode == b.classCode && a.student == b.student && a.category == b.category && a.text == b.text;
}

namespace {

Matcher matcherFor(const IncidentIndex &index, const IncidentCriteria &c, const std::vector<char> *hits)
{
    Matcher m{c, hits, QStringMatcher(c.text, Qt::CaseInsensitive), QStringMatcher(c.student, Qt::CaseInsensitive), index.ids(), -1, {}, {}, {}, {}};
    if (!c.category.isEmpty()) {
        const auto &names = m.ids.categories;
        const auto it = std::find(names.begin(), names.end(), c.category);
        m.category = it == names.end() ? -2 : qint64(it - names.begin());
    }
    if (!c.classCode.isEmpty()) {
        m.classOk.resize(m.ids.classCodes.size());
        for (size_t k = 0; k < m.classOk.size(); ++k)
            m.classOk[k] = m.ids.classCodes[k].compare(c.classCode, Qt::CaseInsensitive) == 0;
        if (m.classOk.empty())
            m.classOk.push_back(0), m.category = -2; // no classes at all: nothing matches
    }
    if (!c.text.isEmpty()) {
        auto each = [](const std::vector<QString> &values, auto test) {
            std::vector<char> ok(values.size());
            for (size_t k = 0; k < values.size(); ++k)
                ok[k] = test(values[k]);
            return ok;
        };
        m.textIsId = each(m.ids.studentIds, [&](const QString &v) { return v == c.text; });
        m.textIsClass = each(m.ids.classCodes, [&](const QString &v) { return v.compare(c.text, Qt::CaseInsensitive) == 0; });
        m.textIsLevel = each(m.ids.levels, [&](const QString &v) { return v.compare(c.text, Qt::CaseInsensitive) == 0; });
    }
    return m;
}

// The mask and counts of the records that match.
void filterInto(const IncidentIndex &index, const IncidentCriteria &c, IncidentFilterResult &result,
                const std::function<bool()> &check)
{
    const auto &recs = index.records();
    const auto &days = index.days();
    const size_t n = recs.size();
    const unsigned threads = threadsFor(n);
    std::vector<char> hits;
    QByteArray needle;
    appendFolded(needle, c.text); // folded exactly as the records were
    const bool folded = !c.text.isEmpty() && !needle.contains(FieldSep) && !needle.contains(RecordSep);
    if (folded)
        hits = textHits(index, needle, threads);
    if (check())
        return;
    const Matcher match = matcherFor(index, c, folded ? &hits : nullptr);
    result.mask.assign(n, 0);
    std::vector<Part> parts(threads);
    const size_t weeks = index.days().empty() ? 1 : size_t((index.lastDay() - index.firstMonday()) / 7 + 1);
    inParallel(n, threads, [&](unsigned part, size_t begin, size_t end) {
        Part &p = parts[part];
        p.weeks.assign(weeks, 0);
        p.cats.assign(match.ids.categories.size(), 0);
        p.classes.assign(match.ids.classCodes.size(), 0);
        for (size_t i = begin; i < end; ++i) {
            if ((i & 0xFFFF) == 0 && check())
                return;
            if (!match(recs[i], days[i], i))
                continue;
            result.mask[i] = 1;
            ++p.matches;
            ++p.weeks[size_t((days[i] - index.firstMonday()) / 7)];
            ++p.cats[match.ids.category[i]];
            ++p.classes[match.ids.classCode[i]];
        }
    });
    if (!check())
        mergeStats(index, parts, result.stats);
    result.matches = result.stats.total;
}

} // namespace

IncidentFilterResult runIncidentFilter(const IncidentIndex &index, const IncidentCriteria &c, const std::function<bool()> &cancelled,
                                       std::shared_ptr<const IncidentFilterResult> previous)
{
    IncidentFilterResult result;
    result.criteria = c;
    std::atomic<bool> stop = false;
    auto check = [&] { return stop.load(std::memory_order_relaxed) || (cancelled && cancelled() && (stop = true)); };
    if (previous && !previous->cancelled && sameFilter(previous->criteria, c) && previous->mask.size() == index.records().size()) {
        result.mask = previous->mask; // only the order changed
        result.matches = previous->matches;
        result.stats = previous->stats;
    } else {
        filterInto(index, c, result, check);
    }
    const auto order = index.order(c.sortColumn);
    if (check())
        return result.cancelled = true, result;
    result.rows.reserve(size_t(result.matches));
    if (c.descending) {
        for (auto it = order->rbegin(); it != order->rend(); ++it)
            if (result.mask[size_t(*it)])
                result.rows.push_back(*it);
    } else {
        for (int i : *order)
            if (result.mask[size_t(i)])
                result.rows.push_back(i);
    }
    return result;
}

} // namespace tt
