#pragma once
// Editable tables over the rebuilt roster: teachers, classrooms, students. Edits become decisions through
// the RosterSession; suggestions are marked as such, with their evidence as tooltips; each row has a
// problem badge.
#include <QAbstractTableModel>

namespace tt {
class RosterSession;
}

namespace tt::ui {

class RosterTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int ProblemRole = Qt::UserRole + 1; // QStringList of problems
    static constexpr int KeyRole = Qt::UserRole + 2;     // email / code / student id
    static constexpr int KeyColumn = 2;                  // the column showing the key
    static constexpr int StatusColumnIndex = 1;          // "Suggestion"/"Confirmed", evidence as tooltip
    explicit RosterTableModel(RosterSession *roster, QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

protected:
    virtual int rows() const = 0;
    virtual QStringList headers() const = 0;
    QVariant badge(const QStringList &problems, int role) const;
    QVariant status(bool decided, const QString &evidence, int role) const;
    RosterSession *m_roster;
};

class TeacherModel : public RosterTableModel
{
    Q_OBJECT
public:
    enum Column { ProblemColumn, StatusColumn, EmailColumn, NameColumn, RoleColumn, SpecialistColumn, IncidentsColumn,
                  CommendationsColumn, ClassesColumn, EvidenceColumn, ColumnCount };
    using RosterTableModel::RosterTableModel;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

protected:
    int rows() const override;
    QStringList headers() const override;
};

class ClassroomModel : public RosterTableModel
{
    Q_OBJECT
public:
    enum Column { ProblemColumn, StatusColumn, CodeColumn, NameColumn, HomeroomColumn, SpecialistsColumn,
                  StudentsColumn, LogsColumn, EvidenceColumn, ColumnCount };
    using RosterTableModel::RosterTableModel;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

protected:
    int rows() const override;
    QStringList headers() const override;
};

class StudentModel : public RosterTableModel
{
    Q_OBJECT
public:
    enum Column { ProblemColumn, StatusColumn, IdColumn, FirstColumn, LastColumn, ClassColumn, LogsColumn,
                  GuardiansColumn, NotesColumn, VariantsColumn, HistoryColumn, ColumnCount };
    using RosterTableModel::RosterTableModel;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

protected:
    int rows() const override;
    QStringList headers() const override;
};

} // namespace tt::ui
