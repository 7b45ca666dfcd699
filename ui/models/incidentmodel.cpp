#include "incidentmodel.h"

#include "session/incidentssession.h"

#include <QDateTime>

namespace tt::ui {

void IncidentModel::setRecords(std::shared_ptr<const std::vector<IncidentRecord>> records, const QTimeZone &zone)
{
    beginResetModel();
    m_records = records ? std::move(records) : std::make_shared<const std::vector<IncidentRecord>>();
    m_zone = zone;
    endResetModel();
}

const IncidentRecord *IncidentModel::record(int row) const
{
    return row >= 0 && size_t(row) < m_records->size() ? &(*m_records)[size_t(row)] : nullptr;
}

QString IncidentModel::timeText(const IncidentRecord &r) const
{
    return QDateTime::fromMSecsSinceEpoch(r.timestampMs, QTimeZone::utc()).toTimeZone(m_zone).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

int IncidentModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records->size());
}

int IncidentModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IncidentModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const IncidentRecord &r = (*m_records)[size_t(index.row())];
    switch (index.column()) {
    case TimeColumn: return timeText(r);
    case TypeColumn: return r.type == RecordType::Incident ? tr("Incident") : tr("Commendation");
    case StudentColumn: return r.studentName;
    case StudentIdColumn: return r.studentId;
    case ClassColumn: return r.classCode;
    case TeacherColumn: return r.teacherEmail;
    case LevelColumn: return r.level;
    case CategoryColumn: return r.category;
    case LocationColumn: return r.location;
    case ActionColumn: return r.actionTaken;
    case NoteColumn: {
        QString n = r.note;
        if (role == Qt::DisplayRole)
            n.replace(u'\n', u' ');
        return n;
    }
    }
    return {};
}

QVariant IncidentModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case TimeColumn: return tr("When");
    case TypeColumn: return tr("Type");
    case StudentColumn: return tr("Student");
    case StudentIdColumn: return tr("Student ID");
    case ClassColumn: return tr("Class");
    case TeacherColumn: return tr("Teacher");
    case LevelColumn: return tr("Level");
    case CategoryColumn: return tr("Category");
    case LocationColumn: return tr("Location");
    case ActionColumn: return tr("Action taken");
    case NoteColumn: return tr("Note");
    }
    return {};
}

IncidentProxyModel::IncidentProxyModel(IncidentModel *source, IncidentsSession *filter, QObject *parent)
    : QAbstractProxyModel(parent), m_source(source), m_filter(filter)
{
    setSourceModel(source);
    // New records: nothing is shown until the session has filtered them.
    connect(source, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); });
    connect(source, &QAbstractItemModel::modelReset, this, [this] {
        m_rows = std::make_shared<const std::vector<int>>();
        m_proxyRowOf.clear();
        endResetModel();
    });
}

void IncidentProxyModel::refilter()
{
    auto rows = m_filter->shownRows();
    if (!rows || rows == m_rows)
        return;
    const int n = m_source->rowCount();
    for (int r : *rows)
        if (r >= n)
            return; // the session's rows are of records the model does not hold (yet)
    beginResetModel();
    m_rows = std::move(rows);
    m_proxyRowOf.clear();
    endResetModel();
}

void IncidentProxyModel::sort(int column, Qt::SortOrder order)
{
    m_filter->setSort(column, order);
}

QModelIndex IncidentProxyModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex IncidentProxyModel::parent(const QModelIndex &) const
{
    return {};
}

int IncidentProxyModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows->size());
}

int IncidentProxyModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : IncidentModel::ColumnCount;
}

QModelIndex IncidentProxyModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || proxyIndex.model() != this || size_t(proxyIndex.row()) >= m_rows->size())
        return {};
    return m_source->index((*m_rows)[size_t(proxyIndex.row())], proxyIndex.column());
}

QModelIndex IncidentProxyModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.model() != m_source)
        return {};
    if (m_proxyRowOf.size() != size_t(m_source->rowCount())) {
        m_proxyRowOf.assign(size_t(m_source->rowCount()), -1);
        for (size_t i = 0; i < m_rows->size(); ++i)
            m_proxyRowOf[size_t((*m_rows)[i])] = int(i);
    }
    const int row = size_t(sourceIndex.row()) < m_proxyRowOf.size() ? m_proxyRowOf[size_t(sourceIndex.row())] : -1;
    return row < 0 ? QModelIndex() : createIndex(row, sourceIndex.column());
}

QVariant IncidentProxyModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Vertical)
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    return m_source->headerData(section, o, role);
}

bool IncidentProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const IncidentRecord *a = m_source->record(left.row());
    const IncidentRecord *b = m_source->record(right.row());
    return a && b && IncidentIndex::lessThan(*a, *b, left.column());
}

} // namespace tt::ui
