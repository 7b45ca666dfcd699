#pragma once
// Steps 5-7: teachers, classrooms and students rebuilt from the logs: editable tables where suggestions are
// marked with their evidence, a problem badge per row, accept all, bulk edits and the school's own lists.
#include "wizardpage.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;
class QTreeWidget;
class QPushButton;
class QHBoxLayout;

namespace tt {
class RosterSession;
}

namespace tt::ui {

class RosterTableModel;
class RosterProxyModel;

class RosterPage : public WizardPage
{
    Q_OBJECT
public:
    enum Kind { Teachers, Classrooms, Students };
    RosterPage(Kind kind, RecoverySession *session, RosterSession *roster, QWidget *parent = nullptr);
    void initializePage() override;
    bool isComplete() const override;
    QString attention() const override;
    // Selects the row with this key (email, class code or student id), clearing the filters that hide it.
    void showRow(const QString &key) override;
    RosterTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    // The window's Edit > Undo/Redo, shown as buttons on the page too.
    void setUndoActions(QAction *undo, QAction *redo);

    // Students: the selected rows are one child logged under several ids; asks which id to keep.
    void mergeSelected();
    // Students: the current row's merged ids become students of their own again (asks which).
    void separateCurrent();
    // Classrooms: chooses the specialist teachers of the current class.
    void editSpecialists();
    // Teachers / Students: the staff list / school roster at path, through the mapping step.
    void importListFrom(const QString &path);
    // The "Settled automatically (n)" filter: lists what the evidence settled on this page, with its rule and
    // evidence; undoSelectedSettlement() makes the selected one a question again (through RosterSession).
    void showSettled(bool on);
    void undoSelectedSettlement();

private:
    // The constructor's parts, in the order it calls them (widgets are created in tab order).
    QPushButton *setUpKind(); // title, model; the import button of the kind (or null)
    QHBoxLayout *buildFilterBar(QPushButton *accept, QPushButton *import);
    QHBoxLayout *buildActionBar();
    void addBulkEdit(QHBoxLayout *bulk);
    void addRowActions(QHBoxLayout *bulk);
    void buildTable();
    void buildDetailPanel();
    void connectSessionSignals(RecoverySession *session);
    void applyBulkEdit();

    QStringList selectedKeys() const;
    QString currentKey() const;
    void refresh();
    void showSelection();
    void importList();
    QHBoxLayout *makeSettledPanel();
    void refreshSettled();

    Kind m_kind;
    RosterSession *m_roster;
    RosterTableModel *m_model;
    RosterProxyModel *m_proxy;
    QLabel *m_summary;
    QLineEdit *m_search;
    QCheckBox *m_onlyProblems;
    QComboBox *m_bulkValue = nullptr;
    QTableView *m_view;
    QLabel *m_details;
    QToolButton *m_undoButton;
    QToolButton *m_redoButton;
    QToolButton *m_settledButton = nullptr;
    QTreeWidget *m_settledView = nullptr;
    QPushButton *m_undoSettlement = nullptr;
};

} // namespace tt::ui
