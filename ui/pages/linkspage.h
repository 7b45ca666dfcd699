#pragma once
// Step 8: how many incidents link to a student, a classroom and a teacher; the rest listed with why.
#include "wizardpage.h"

class QLabel;
class QProgressBar;
class QTableView;

namespace tt {
class RosterSession;
}

namespace tt::ui {

class UnlinkedModel;

class LinksPage : public WizardPage
{
    Q_OBJECT
public:
    LinksPage(RecoverySession *session, RosterSession *roster, QWidget *parent = nullptr);
    void initializePage() override;
    bool isComplete() const override;
    QString attention() const override;

private:
    void refresh();

    RosterSession *m_roster;
    QProgressBar *m_student;
    QProgressBar *m_classroom;
    QProgressBar *m_teacher;
    QLabel *m_summary;
    QLabel *m_reasons;
    UnlinkedModel *m_model;
    QTableView *m_view;
};

} // namespace tt::ui
