#pragma once
// Step 4: the recovered incidents and commendations: sortable, filtered, details, and charts.
#include "wizardpage.h"

#include <vector>

class QComboBox;
class QGridLayout;
class QPushButton;
class QTabWidget;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;
class QWidget;

namespace tt {
class IncidentsSession;
struct IncidentRecord;
}

namespace tt::ui {

class IncidentModel;
class IncidentProxyModel;
class ChartsPanel;

class IncidentsPage : public WizardPage
{
    Q_OBJECT
public:
    IncidentsPage(RecoverySession *session, IncidentsSession *filter, QWidget *parent = nullptr);
    void initializePage() override;
    IncidentModel *model() const { return m_model; }
    IncidentProxyModel *proxy() const { return m_proxy; }

    // What the "Export the list" menu and the "Student's history" button write after their file dialogs (the
    // GUI tests call these with a path). The list is written as shown: filtered, in the list's sort order.
    enum class ListFormat { Csv, Pdf };
    bool exportListTo(const QString &path, ListFormat format);
    // Every log of the selected log's student (same id; without an id, same name), in time order, as a PDF.
    bool printStudentHistoryTo(const QString &path);

private:
    void reload();
    void refilter();
    void showDetails();
    void fillCombos();
    void createFilters();
    QGridLayout *createFilterGrid();
    void createList();
    void connectFilters();
    void setTabOrders();
    QWidget *createActions();
    void exportList(ListFormat format);
    void printStudentHistory();
    QString filterSummary() const;
    std::vector<int> shownRows() const;
    const IncidentRecord *selectedRecord() const;
    bool finishSave(bool ok, const QString &path, const QString &what, const QString &error);

    IncidentsSession *m_filter;
    IncidentModel *m_model;
    IncidentProxyModel *m_proxy;
    quint64 m_loadedGeneration = 0;
    QComboBox *m_type;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QComboBox *m_teacher;
    QComboBox *m_class;
    QLineEdit *m_student;
    QComboBox *m_category;
    QLineEdit *m_text;
    QPushButton *m_clear;
    QLabel *m_matches;
    QTabWidget *m_tabs;
    QTableView *m_view;
    QTextBrowser *m_details;
    ChartsPanel *m_charts;
    QPushButton *m_export;
    QPushButton *m_history;
    QLabel *m_saveMessage;
};

} // namespace tt::ui
