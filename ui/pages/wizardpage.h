#pragma once
// A wizard page that only shows core objects: its state, validation and readiness live in core/session.
#include <QWizardPage>

namespace tt {
class RecoverySession;
}

namespace tt::ui {

class WizardPage : public QWizardPage
{
    Q_OBJECT
public:
    WizardPage(RecoverySession *session, QWidget *parent = nullptr);

    // A short sentence when this step needs the administrator's attention; empty when it does not.
    virtual QString attention() const { return {}; }
    // Done: the step has what the next ones need.
    virtual bool isDone() const { return isComplete(); }
    bool isComplete() const override;
    // Shows the row with this key (a student id, an e-mail, a class code, …) when the page has one; used when
    // the readiness list sends the administrator here. The default does nothing.
    virtual void showRow(const QString &key) { Q_UNUSED(key); }

signals:
    void statusChanged();

protected:
    RecoverySession *m_session;
};

} // namespace tt::ui
