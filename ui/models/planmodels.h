#pragma once
// The Plan page's models: the readiness list (what blocks the commit, what only warns, and where each is
// resolved) and the plan as a tree: one row per TrackTally table (to insert / already there / conflicting),
// expandable to the rows the recovery will create.
#include "database/recoverywriter.h"
#include "records/incidentrecord.h"
#include "session/readiness.h"

#include <QAbstractItemModel>
#include <QAbstractTableModel>
#include <memory>
#include <optional>
#include <vector>

namespace tt::ui {

class ReadinessModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SeverityColumn, KindColumn, SubjectColumn, DetailColumn, ColumnCount };
    enum Role { StepRole = Qt::UserRole + 1, RowKeyRole, BlockingRole };
    explicit ReadinessModel(QObject *parent = nullptr);
    void setItems(const std::vector<ReadinessItem> &items);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    // A kind as a short phrase ("Open question")
    static QString kindText(const QString &kind);

private:
    std::vector<ReadinessItem> m_items;
};

class PlanTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, InsertColumn, ExistingColumn, ConflictingColumn, DetailsColumn, ColumnCount };
    explicit PlanTreeModel(QObject *parent = nullptr);
    // Empty when plan is null. records: the accepted records, parallel to plan->incidentAccepted.
    void setPlan(const RecoveryPlan *plan, const SchoolInfo &school, const Roster &roster,
                 std::shared_ptr<const std::vector<IncidentRecord>> records);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString key;
        QString details;
        bool conflicting = false;
    };
    struct Table
    {
        QString name;
        TablePlan counts;
        std::vector<Row> rows; // empty for Incident: read from m_records on demand
    };
    QVariant tableData(const Table &t, int column, int role) const;
    QVariant rowData(int table, int row, int column, int role) const;

    std::vector<Table> m_tables;
    std::shared_ptr<const std::vector<IncidentRecord>> m_records;
    std::vector<bool> m_incidentAccepted;
    int m_incidentTable = -1;
};

} // namespace tt::ui
