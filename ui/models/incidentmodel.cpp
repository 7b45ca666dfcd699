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
    : QSortFilterProxyModel(parent), m_source(source), m_filter(filter)
{
    setSourceModel(source);
    setDynamicSortFilter(false);
}

void IncidentProxyModel::refilter()
{
    invalidateFilter();
}

bool IncidentProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    return m_filter->accepts(sourceRow);
}

bool IncidentProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const IncidentRecord *a = m_source->record(left.row());
    const IncidentRecord *b = m_source->record(right.row());
    if (!a || !b)
        return false;
    auto cmp = [](const QString &x, const QString &y) { return QString::compare(x, y, Qt::CaseInsensitive); };
    int c = 0;
    switch (left.column()) {
    case IncidentModel::TimeColumn: return a->timestampMs < b->timestampMs;
    case IncidentModel::TypeColumn: c = int(a->type) - int(b->type); break;
    case IncidentModel::StudentColumn: c = cmp(a->studentName, b->studentName); break;
    case IncidentModel::StudentIdColumn:
        c = a->studentId.size() != b->studentId.size() ? int(a->studentId.size() - b->studentId.size()) : a->studentId.compare(b->studentId);
        break;
    case IncidentModel::ClassColumn: c = cmp(a->classCode, b->classCode); break;
    case IncidentModel::TeacherColumn: c = a->teacherEmail.compare(b->teacherEmail); break;
    case IncidentModel::LevelColumn: c = cmp(a->level, b->level); break;
    case IncidentModel::CategoryColumn: c = cmp(a->category, b->category); break;
    case IncidentModel::LocationColumn: c = cmp(a->location, b->location); break;
    case IncidentModel::ActionColumn: c = cmp(a->actionTaken, b->actionTaken); break;
    case IncidentModel::NoteColumn: c = cmp(a->note, b->note); break;
    }
    if (c != 0)
        return c < 0;
    return a->timestampMs < b->timestampMs;
}

} // namespace tt::ui
