#include "incidentssession.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QPromise>
#include <QSet>
#include <QThreadPool>

#include <algorithm>
#include <limits>

namespace tt {

namespace {
constexpr qint64 DayMs = 24LL * 3600 * 1000;
const QDate Epoch(1970, 1, 1);
} // namespace

IncidentsSession::IncidentsSession(QObject *parent)
    : QObject(parent), m_records(std::make_shared<const std::vector<IncidentRecord>>()),
      m_index(std::make_shared<const IncidentIndex>(m_records, std::vector<qint32>())),
      m_latest(std::make_shared<std::atomic<quint64>>(0))
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &IncidentsSession::start);
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
    std::vector<qint32> days(m_records->size());
    for (size_t i = 0; i < m_records->size(); ++i) {
        const qint64 local = (*m_records)[i].timestampMs + qint64(offsetAt((*m_records)[i].timestampMs)) * 1000;
        days[i] = qint32(local >= 0 ? local / DayMs : (local - DayMs + 1) / DayMs);
    }
    m_index = std::make_shared<const IncidentIndex>(m_records, std::move(days));
    m_result = std::make_shared<const IncidentFilterResult>(); // of the old records: never reused
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
    // The text search's folded copy, built ahead of the first search (off this thread; a search waits for it).
    QThreadPool::globalInstance()->start([index = m_index] { index->folded(); });
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
    for (size_t i = 0; i < m_result->mask.size(); ++i)
        if (m_result->mask[i])
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

void IncidentsSession::setSort(int column, Qt::SortOrder order)
{
    column = qBound(0, column, int(IncidentColumn::Count) - 1);
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    start();
}

void IncidentsSession::start()
{
    m_debounce.stop();
    IncidentCriteria c;
    c.type = m_type;
    if (m_from.isValid())
        c.fromDay = Epoch.daysTo(m_from);
    if (m_to.isValid())
        c.toDay = Epoch.daysTo(m_to);
    c.teacher = m_teacher;
    c.classCode = m_classCode;
    c.student = m_student;
    c.category = m_category;
    c.text = m_text;
    c.sortColumn = m_sortColumn;
    c.descending = m_sortOrder == Qt::DescendingOrder;

    const quint64 generation = ++m_generation;
    m_latest->store(generation);
    // The worker holds its own references: it may outlive this object (its result is then dropped).
    auto promise = std::make_shared<QPromise<std::shared_ptr<IncidentFilterResult>>>();
    m_pending = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, index = m_index, c, latest = m_latest, generation, previous = m_result] {
        auto result = std::make_shared<IncidentFilterResult>(
            runIncidentFilter(*index, c, [&] { return latest->load(std::memory_order_relaxed) != generation; }, previous));
        promise->addResult(std::move(result));
        promise->finish();
    });
    auto *watcher = new QFutureWatcher<std::shared_ptr<IncidentFilterResult>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        if (watcher->future().resultCount() > 0)
            deliver(generation, watcher->future().result());
        watcher->deleteLater();
    });
    watcher->setFuture(m_pending);
}

void IncidentsSession::deliver(quint64 generation, const std::shared_ptr<IncidentFilterResult> &result)
{
    if (generation != m_generation || m_delivered == generation || !result || result->cancelled)
        return; // superseded, or already swapped in by waitForFinished
    m_delivered = generation;
    m_result = result;
    m_shown = std::shared_ptr<const std::vector<int>>(result, &result->rows);
    m_matches = result->matches;
    m_stats = result->stats;
    emit filterChanged();
}

void IncidentsSession::waitForFinished()
{
    if (m_delivered == m_generation || !m_pending.isValid())
        return;
    m_pending.waitForFinished();
    if (m_pending.resultCount() > 0)
        deliver(m_generation, m_pending.result());
}

void IncidentsSession::apply()
{
    start();
    waitForFinished();
}

} // namespace tt
