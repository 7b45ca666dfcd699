#include "incidentssession.h"

#include <QDateTime>
#include <QSet>
#include <QStringMatcher>

#include <algorithm>
#include <limits>
#include <thread>

namespace tt {

namespace {
constexpr qint64 DayMs = 24LL * 3600 * 1000;
const QDate Epoch(1970, 1, 1);
} // namespace

IncidentsSession::IncidentsSession(QObject *parent)
    : QObject(parent), m_records(std::make_shared<const std::vector<IncidentRecord>>())
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &IncidentsSession::apply);
}

void IncidentsSession::setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone)
{
    setRecordsIn(std::move(records), zone.isValid() ? zone : QTimeZone::utc());
}

void IncidentsSession::setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, int offsetSeconds)
{
    setRecordsIn(std::move(records), offsetSeconds == 0 ? QTimeZone::utc() : QTimeZone(offsetSeconds));
}

int IncidentsSession::offsetAt(qint64 utcMs) const
{
    // the last change at or before utcMs; before the first one, the first offset
    auto it = std::upper_bound(m_offsets.begin(), m_offsets.end(), utcMs,
                               [](qint64 ms, const std::pair<qint64, int> &o) { return ms < o.first; });
    if (it == m_offsets.begin())
        return m_offsets.empty() ? 0 : it->second;
    return std::prev(it)->second;
}

void IncidentsSession::setRecordsIn(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone)
{
    m_records = records ? std::move(records) : std::make_shared<const std::vector<IncidentRecord>>();
    m_zone = zone;
    // The zone's offsets over the records' span, once: its transitions (daylight saving, and any change of the
    // zone's rules), so each record's calendar day is a binary search, not a time zone conversion.
    m_offsets.clear();
    if (!m_records->empty()) {
        const auto [lo, hi] = std::minmax_element(m_records->begin(), m_records->end(), [](const IncidentRecord &a, const IncidentRecord &b) {
            return a.timestampMs < b.timestampMs;
        });
        const QDateTime first = QDateTime::fromMSecsSinceEpoch(lo->timestampMs, QTimeZone::utc());
        const QDateTime last = QDateTime::fromMSecsSinceEpoch(hi->timestampMs, QTimeZone::utc());
        m_offsets.emplace_back(std::numeric_limits<qint64>::min(), m_zone.offsetFromUtc(first));
        if (m_zone.hasTransitions()) {
            for (const QTimeZone::OffsetData &t : m_zone.transitions(first, last.addSecs(1)))
                m_offsets.emplace_back(t.atUtc.toMSecsSinceEpoch(), t.offsetFromUtc);
        }
    }
    m_days.resize(m_records->size());
    for (size_t i = 0; i < m_records->size(); ++i) {
        const qint64 local = (*m_records)[i].timestampMs + qint64(offsetAt((*m_records)[i].timestampMs)) * 1000;
        m_days[i] = qint32(local >= 0 ? local / DayMs : (local - DayMs + 1) / DayMs);
    }
    QSet<QString> teachers, classes, categories;
    for (const IncidentRecord &r : *m_records) {
        teachers.insert(r.teacherEmail);
        if (!r.classCode.isEmpty())
            classes.insert(r.classCode);
        categories.insert(r.category);
    }
    auto sorted = [](const QSet<QString> &set) {
        QStringList l(set.begin(), set.end());
        l.sort(Qt::CaseInsensitive);
        return l;
    };
    m_teachers = sorted(teachers);
    m_classCodes = sorted(classes);
    m_categories = sorted(categories);
    m_debounce.stop();
    apply();
}

void IncidentsSession::schedule()
{
    emit criteriaChanged();
    m_debounce.start();
}

void IncidentsSession::setType(int t)
{
    if (t == m_type)
        return;
    m_type = t;
    schedule();
}

void IncidentsSession::setDateRange(const QDate &from, const QDate &to)
{
    if (from == m_from && to == m_to)
        return;
    m_from = from;
    m_to = to;
    schedule();
}

void IncidentsSession::setTeacher(const QString &v)
{
    if (v.trimmed() == m_teacher)
        return;
    m_teacher = v.trimmed();
    schedule();
}

void IncidentsSession::setClassCode(const QString &v)
{
    if (v.trimmed() == m_classCode)
        return;
    m_classCode = v.trimmed();
    schedule();
}

void IncidentsSession::setStudent(const QString &v)
{
    if (v.trimmed() == m_student)
        return;
    m_student = v.trimmed();
    schedule();
}

void IncidentsSession::setCategory(const QString &v)
{
    if (v == m_category)
        return;
    m_category = v;
    schedule();
}

void IncidentsSession::setText(const QString &v)
{
    if (v.trimmed() == m_text)
        return;
    m_text = v.trimmed();
    schedule();
}

void IncidentsSession::clear()
{
    m_type = AnyType;
    m_from = m_to = QDate();
    m_teacher.clear();
    m_classCode.clear();
    m_student.clear();
    m_category.clear();
    m_text.clear();
    schedule();
}

bool IncidentsSession::isActive() const
{
    return m_type != AnyType || m_from.isValid() || m_to.isValid() || !m_teacher.isEmpty() || !m_classCode.isEmpty()
        || !m_student.isEmpty() || !m_category.isEmpty() || !m_text.isEmpty();
}

std::vector<int> IncidentsSession::matchingRows() const
{
    std::vector<int> rows;
    rows.reserve(size_t(m_matches));
    for (size_t i = 0; i < m_mask.size(); ++i)
        if (m_mask[i])
            rows.push_back(int(i));
    return rows;
}

std::vector<int> IncidentsSession::rowsOfStudent(const QString &studentId, const QString &studentName) const
{
    std::vector<int> rows;
    const QString id = studentId.trimmed(), name = studentName.simplified();
    if (id.isEmpty() && name.isEmpty())
        return rows;
    for (size_t i = 0; i < m_records->size(); ++i) {
        const IncidentRecord &r = (*m_records)[i];
        if (id.isEmpty() ? (r.studentId.isEmpty() && r.studentName.compare(name, Qt::CaseInsensitive) == 0) : r.studentId == id)
            rows.push_back(int(i));
    }
    std::stable_sort(rows.begin(), rows.end(), [this](int a, int b) {
        return (*m_records)[size_t(a)].timestampMs < (*m_records)[size_t(b)].timestampMs;
    });
    return rows;
}

QDate IncidentsSession::dateOf(const IncidentRecord &r) const
{
    const qint64 local = r.timestampMs + qint64(offsetAt(r.timestampMs)) * 1000;
    qint64 days = local / DayMs;
    if (local < 0 && local % DayMs != 0)
        --days;
    return Epoch.addDays(days);
}

QDate IncidentsSession::weekOf(const IncidentRecord &r) const
{
    const QDate d = dateOf(r);
    return d.addDays(1 - d.dayOfWeek());
}

bool IncidentsSession::matchesAt(size_t i, const QStringMatcher *text, const QStringMatcher *student, qint64 fromDay,
                              qint64 toDay) const
{
    const IncidentRecord &r = (*m_records)[i];
    if (m_type != AnyType && int(r.type) != m_type)
        return false;
    if (m_days[i] < fromDay || m_days[i] > toDay)
        return false;
    if (!m_teacher.isEmpty() && !r.teacherEmail.contains(m_teacher, Qt::CaseInsensitive))
        return false;
    if (!m_classCode.isEmpty() && r.classCode.compare(m_classCode, Qt::CaseInsensitive) != 0)
        return false;
    if (!m_category.isEmpty() && r.category != m_category)
        return false;
    if (student && r.studentId != m_student && student->indexIn(r.studentName) < 0)
        return false;
    if (text) {
        const Qt::CaseSensitivity cs = Qt::CaseInsensitive;
        if (text->indexIn(r.note) < 0 && text->indexIn(r.studentName) < 0 && text->indexIn(r.teacherEmail) < 0
            && text->indexIn(r.category) < 0 && text->indexIn(r.location) < 0 && text->indexIn(r.actionTaken) < 0
            && r.studentId != m_text && r.classCode.compare(m_text, cs) != 0 && r.level.compare(m_text, cs) != 0)
            return false;
    }
    return true;
}

void IncidentsSession::apply()
{
    m_debounce.stop();
    const auto &recs = *m_records;
    const size_t n = recs.size();
    m_mask.assign(n, 0);
    m_stats = IncidentStats{};
    const QStringMatcher textMatcher(m_text, Qt::CaseInsensitive);
    const QStringMatcher studentMatcher(m_student, Qt::CaseInsensitive);
    const qint64 fromDay = m_from.isValid() ? Epoch.daysTo(m_from) : std::numeric_limits<qint64>::min();
    const qint64 toDay = m_to.isValid() ? Epoch.daysTo(m_to) : std::numeric_limits<qint64>::max();

    // Split the work over the cores: each part fills its slice of the mask and its own counts.
    struct Part
    {
        QHash<qint32, int> weeks; // Monday's day number -> count
        QHash<QString, int> cats, classes;
        qint64 matches = 0;
    };
    const unsigned threads = n < 50000 ? 1u : qBound(1u, std::thread::hardware_concurrency(), 8u);
    std::vector<Part> parts(threads);
    auto work = [&](unsigned part) {
        const size_t begin = n * part / threads, end = n * (part + 1) / threads;
        Part &p = parts[part];
        for (size_t i = begin; i < end; ++i) {
            if (!matchesAt(i, m_text.isEmpty() ? nullptr : &textMatcher, m_student.isEmpty() ? nullptr : &studentMatcher, fromDay, toDay))
                continue;
            m_mask[i] = 1;
            ++p.matches;
            const qint32 day = m_days[i];
            const qint32 monday = day - ((day % 7 + 7 + 3) % 7); // 1970-01-01 was a Thursday
            ++p.weeks[monday];
            ++p.cats[recs[i].category];
            ++p.classes[recs[i].classCode];
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work, t);
    work(0);
    for (std::thread &t : pool)
        t.join();

    QHash<qint32, int> weeks;
    QHash<QString, int> cats, classes;
    for (const Part &p : parts) {
        m_matches = 0;
        m_stats.total += p.matches;
        for (auto it = p.weeks.cbegin(); it != p.weeks.cend(); ++it)
            weeks[it.key()] += it.value();
        for (auto it = p.cats.cbegin(); it != p.cats.cend(); ++it)
            cats[it.key()] += it.value();
        for (auto it = p.classes.cbegin(); it != p.classes.cend(); ++it)
            classes[it.key()] += it.value();
    }
    m_matches = m_stats.total;
    for (auto it = weeks.cbegin(); it != weeks.cend(); ++it)
        m_stats.perWeek.insert(Epoch.addDays(it.key()), it.value());
    if (!m_stats.perWeek.isEmpty()) { // weeks without a log are weeks with 0 logs, not gaps the line skips over
        const QDate last = m_stats.perWeek.lastKey();
        for (QDate monday = m_stats.perWeek.firstKey(); monday < last; monday = monday.addDays(7))
            m_stats.perWeek.insert(monday, m_stats.perWeek.value(monday, 0));
    }
    for (auto it = cats.cbegin(); it != cats.cend(); ++it)
        m_stats.perCategory.insert(it.key(), it.value());
    for (auto it = classes.cbegin(); it != classes.cend(); ++it)
        m_stats.perClass.insert(it.key(), it.value());
    emit filterChanged();
}

} // namespace tt
