#pragma once
// Conflicting duplicates: the groups (one uuid, versions that differ), and one group's versions side by side.
#include "records/deduplicator.h"

#include <QAbstractTableModel>
#include <vector>

namespace tt {
class RecoverySession;
}

namespace tt::ui {

class DuplicateGroupModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { UuidColumn, VersionsColumn, ChosenColumn, ByColumn, ColumnCount };
    explicit DuplicateGroupModel(RecoverySession *session, QObject *parent = nullptr);
    void reload();
    const DuplicateGroup *group(int row) const;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    RecoverySession *m_session;
    std::vector<DuplicateGroup> m_groups; // conflicting groups only
};

// Rows: fields; columns: the versions of one group. Differing fields are highlighted.
class DuplicateCompareModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit DuplicateCompareModel(RecoverySession *session, QObject *parent = nullptr);
    void setGroup(const DuplicateGroup *group);
    // The version in column c: where it came from.
    RecordKey keyOf(int column) const;
    QString uuid() const { return m_uuid; }
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QString value(int column, int row) const;
    RecoverySession *m_session;
    QString m_uuid;
    std::vector<quint32> m_members;
    quint32 m_chosen = 0;
};

} // namespace tt::ui
