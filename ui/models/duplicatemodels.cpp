#include "duplicatemodels.h"

#include "session/recoverysession.h"
#include "theme.h"

#include <QApplication>

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>

namespace tt::ui {

DuplicateGroupModel::DuplicateGroupModel(RecoverySession *session, QObject *parent)
    : QAbstractTableModel(parent), m_session(session)
{
    connect(session, &RecoverySession::recordsChanged, this, &DuplicateGroupModel::reload);
    reload();
}

void DuplicateGroupModel::reload()
{
    beginResetModel();
    m_groups.clear();
    if (m_session->hasProject()) {
        for (const DuplicateGroup &g : m_session->project().dedupe().groups)
            if (g.conflicting)
                m_groups.push_back(g);
    }
    endResetModel();
}

const DuplicateGroup *DuplicateGroupModel::group(int row) const
{
    return row >= 0 && size_t(row) < m_groups.size() ? &m_groups[size_t(row)] : nullptr;
}

int DuplicateGroupModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int DuplicateGroupModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DuplicateGroupModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || role != Qt::DisplayRole)
        return {};
    const DuplicateGroup &g = m_groups[size_t(index.row())];
    const auto &records = m_session->project().records();
    switch (index.column()) {
    case UuidColumn: return g.uuid;
    case VersionsColumn: return int(g.members.size());
    case ChosenColumn: {
        if (g.chosen >= records.size())
            return QString();
        const IncidentRecord &r = records[g.chosen];
        const auto &sources = m_session->project().sources();
        const QString src = r.sourceIndex >= 0 && size_t(r.sourceIndex) < sources.size() ? sources[size_t(r.sourceIndex)].displayName() : QString();
        return tr("%1 row %2").arg(src).arg(r.sourceRow);
    }
    case ByColumn: return g.chosenByUser ? tr("You") : tr("Suggested (the later row)");
    }
    return {};
}

QVariant DuplicateGroupModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case UuidColumn: return tr("Log id (uuid)");
    case VersionsColumn: return tr("Versions");
    case ChosenColumn: return tr("Version kept");
    case ByColumn: return tr("Chosen by");
    }
    return {};
}

DuplicateCompareModel::DuplicateCompareModel(RecoverySession *session, QObject *parent)
    : QAbstractTableModel(parent), m_session(session)
{
}

void DuplicateCompareModel::setGroup(const DuplicateGroup *group)
{
    beginResetModel();
    m_uuid = group ? group->uuid : QString();
    m_members = group ? group->members : std::vector<quint32>{};
    m_chosen = group ? group->chosen : 0;
    endResetModel();
}

RecordKey DuplicateCompareModel::keyOf(int column) const
{
    if (column < 0 || size_t(column) >= m_members.size())
        return {};
    const IncidentRecord &r = m_session->project().records()[m_members[size_t(column)]];
    return RecordKey{r.sourceIndex, r.sourceRow};
}

int DuplicateCompareModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_members.empty() ? 0 : FieldCount;
}

int DuplicateCompareModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_members.size());
}

QString DuplicateCompareModel::value(int column, int row) const
{
    const IncidentRecord &r = m_session->project().records()[m_members[size_t(column)]];
    const Field f = allFields()[size_t(row)];
    if (f == Field::Timestamp)
        return QDateTime::fromMSecsSinceEpoch(r.timestampMs, QTimeZone::utc()).toTimeZone(m_session->project().timeZone())
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    return r.value(f);
}

QVariant DuplicateCompareModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return value(index.column(), index.row());
    if (role == Qt::BackgroundRole || role == Qt::FontRole) {
        bool differs = false;
        const QString mine = value(index.column(), index.row());
        for (int c = 0; c < columnCount(); ++c)
            differs = differs || value(c, index.row()) != mine;
        if (role == Qt::BackgroundRole)
            return differs ? QVariant(theme::attentionBrush(QApplication::palette())) : QVariant();
        if (m_members[size_t(index.column())] == m_chosen) {
            QFont f;
            f.setBold(true);
            return f;
        }
    }
    return {};
}

QVariant DuplicateCompareModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (o == Qt::Vertical) {
        if (section < 0 || section >= FieldCount)
            return QString();
        // a field that differs between the versions is marked in words as well as shaded
        bool differs = false;
        for (int c = 1; c < columnCount(); ++c)
            differs = differs || value(c, section) != value(0, section);
        return differs ? tr("≠ %1").arg(fieldTitle(allFields()[size_t(section)])) : fieldTitle(allFields()[size_t(section)]);
    }
    if (section < 0 || size_t(section) >= m_members.size())
        return {};
    const IncidentRecord &r = m_session->project().records()[m_members[size_t(section)]];
    const auto &sources = m_session->project().sources();
    const QString src = r.sourceIndex >= 0 && size_t(r.sourceIndex) < sources.size() ? sources[size_t(r.sourceIndex)].displayName() : QString();
    QString label = tr("%1 row %2").arg(src).arg(r.sourceRow);
    if (m_members[size_t(section)] == m_chosen)
        label = tr("%1 (kept)").arg(label);
    return label;
}

} // namespace tt::ui
