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

struct IncidentsSession::Loaded
{
    std::shared_ptr<const IncidentIndex> index;
    std::vector<std::pair<qint64, int>> offsets;
    QStringList teachers, classCodes, categories;
};

namespace {

// The zone's offsets over the records' span, once: its transitions (daylight saving, and any change of the zone's
// rules), so each record's calendar day is a binary search, not a time zone conversion.
std::vector<std::pair<qint64, int>> zoneOffsets(const std::vector<IncidentRecord> &records, const QTimeZone &zone)
{
    std::vector<std::pair<qint64, int>> offsets;
    if (records.empty())
        return offsets;
    const auto [lo, hi] = std::minmax_element(records.begin(), records.end(), [](const IncidentRecord &a, const IncidentRecord &b) {
        return a.timestampMs < b.timestampMs;
    });
    const QDateTime first = QDateTime::fromMSecsSinceEpoch(lo->timestampMs, QTimeZone::utc());
    const QDateTime last = QDateTime::fromMSecsSinceEpoch(hi->timestampMs, QTimeZone::utc());
    offsets.emplace_back(std::numeric_limits<qint64>::min(), zone.offsetFromUtc(first));
    if (zone.hasTransitions()) {
        for (const QTimeZone::OffsetData &t : zone.transitions(first, last.addSecs(1)))
            offsets.emplace_back(t.atUtc.toMSecsSinceEpoch(), t.offsetFromUtc);
    }
    return offsets;
}

int offsetIn(const std::vector<std::pair<qint64, int>> &offsets, qint64 utcMs)
{
    // the last change at or before utcMs; before the first one, the first offset
    auto it = std::upper_bound(offsets.begin(), offsets.end(), utcMs,
                               [](qint64 ms, const std::pair<qint64, int> &o) { return ms < o.first; });
    if (it == offsets.begin())
        return offsets.empty() ? 0 : it->second;
    return std::prev(it)->second;
}

} // namespace

void IncidentsSession::setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone)
{
    loadRecords(std::move(records), zone);
    waitForFinished();
}

void IncidentsSession::setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, int offsetSeconds)
{
    setRecords(std::move(records), offsetSeconds == 0 ? QTimeZone::utc() : QTimeZone(offsetSeconds));
}

int IncidentsSession::offsetAt(qint64 utcMs) const
{
    return offsetIn(m_offsets, utcMs);
}

// On a worker: each record's school day, the index, the filter lists.
std::shared_ptr<IncidentsSession::Loaded> IncidentsSession::load(std::shared_ptr<const std::vector<IncidentRecord>> records,
                                                                 const QTimeZone &zone)
{
    auto l = std::make_shared<Loaded>();
    l->offsets = zoneOffsets(*records, zone);
    std::vector<qint32> days(records->size());
    for (size_t i = 0; i < records->size(); ++i) {
        const qint64 local = (*records)[i].timestampMs + qint64(offsetIn(l->offsets, (*records)[i].timestampMs)) * 1000;
        days[i] = qint32(local >= 0 ? local / DayMs : (local - DayMs + 1) / DayMs);
    }
    l->index = std::make_shared<const IncidentIndex>(records, std::move(days));
    // the distinct values from the index's ids (one hash lookup per record, shared with the filter)
    const IncidentIndex::Ids &ids = l->index->ids();
    auto sorted = [](QStringList l) {
        l.sort(Qt::CaseInsensitive);
        return l;
    };
    l->teachers = sorted(QStringList(ids.teacherEmails.begin(), ids.teacherEmails.end()));
    QSet<QString> classes;
    for (const QString &c : ids.classCodes)
        if (!c.isEmpty())
            classes.insert(c);
    l->classCodes = sorted(QStringList(classes.begin(), classes.end()));
    QSet<QString> categories(ids.categories.begin(), ids.categories.end());
    l->categories = sorted(QStringList(categories.begin(), categories.end()));
    return l;
}

void IncidentsSession::loadRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone)
{
    m_records = records ? std::move(records) : std::make_shared<const std::vector<IncidentRecord>>();
    m_zone = zone.isValid() ? zone : QTimeZone::utc();
    // nothing of the old records is shown or reused; the index is built on a worker, the first filter waits for it
    m_result = std::make_shared<const IncidentFilterResult>();
    m_shown = std::make_shared<const std::vector<int>>();
    m_matches = 0;
    m_stats = IncidentStats();
    const quint64 load = ++m_loads;
    auto promise = std::make_shared<QPromise<std::shared_ptr<Loaded>>>();
    m_loading = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, records = m_records, zone = m_zone] {
        promise->addResult(IncidentsSession::load(records, zone));
        promise->finish();
    });
    auto *watcher = new QFutureWatcher<std::shared_ptr<Loaded>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, load] {
        if (watcher->future().resultCount() > 0)
            deliverLoad(load, watcher->future().result());
        watcher->deleteLater();
    });
    watcher->setFuture(m_loading);
    m_debounce.stop();
    start();
}

void IncidentsSession::deliverLoad(quint64 load, const std::shared_ptr<Loaded> &loaded)
{
    if (load != m_loads || m_loadsDelivered == load || !loaded)
        return; // superseded, or already swapped in by waitForFinished
    m_loadsDelivered = load;
    m_index = loaded->index;
    m_offsets = loaded->offsets;
    m_teachers = loaded->teachers;
    m_classCodes = loaded->classCodes;
    m_categories = loaded->categories;
    emit recordsLoaded();
    // The text search's folded copy and every column's order, built ahead of the first search or sort (off this
    // thread; a search or sort that needs one first waits for it).
    QThreadPool::globalInstance()->start([index = m_index] {
        index->folded();
        for (int c = 0; c < int(IncidentColumn::Count); ++c)
            index->order(c);
    });
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
    // records still being indexed: the worker waits for their index
    const QFuture<std::shared_ptr<Loaded>> loading = m_loadsDelivered != m_loads ? m_loading : QFuture<std::shared_ptr<Loaded>>();
    QThreadPool::globalInstance()->start([promise, index = m_index, loading, c, latest = m_latest, generation, previous = m_result]() mutable {
        if (loading.isValid())
            index = loading.result()->index; // blocks until indexed
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
    // the records this was filtered from come first (their promise may announce its end after this one's)
    if (m_loadsDelivered != m_loads && m_loading.isValid() && m_loading.resultCount() > 0)
        deliverLoad(m_loads, m_loading.result());
    m_delivered = generation;
    m_result = result;
    m_shown = std::shared_ptr<const std::vector<int>>(result, &result->rows);
    m_matches = result->matches;
    m_stats = result->stats;
    emit filterChanged();
}

void IncidentsSession::waitForFinished()
{
    if (m_loadsDelivered != m_loads && m_loading.isValid()) {
        m_loading.waitForFinished();
        if (m_loading.resultCount() > 0)
            deliverLoad(m_loads, m_loading.result());
    }
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
