#pragma once
// "Read from Google Sheets": the spreadsheet link and one of two ways in — a service-account key, or the
// administrator's own Google account (OAuth installed-app sign-in in the web browser, offered when an OAuth
// client file is configured). The sign-in runs on the GUI thread, signal-driven, while the dialog stays
// responsive; on success the sheet is handed to the SourcesSession, whose worker reads it.
#include <QDialog>

class QButtonGroup;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace tt {
class SourcesSession;
class UserSignIn;
} // namespace tt

namespace tt::ui {

class GoogleSheetDialog : public QDialog
{
    Q_OBJECT
public:
    explicit GoogleSheetDialog(SourcesSession *sources, QWidget *parent = nullptr);

private:
    void buildKeyChoice();
    void buildSignInChoice();
    void buildStatusRow();
    void layOut();
    void refresh();
    void setWaiting(bool waiting);
    void showStatus(const QString &text, bool problem);
    void readSheet();
    void startSignIn(const QString &spreadsheet);

    SourcesSession *m_sources;
    QString m_apiBase;
    QString m_signInText;
    QLineEdit *m_sheet = nullptr;
    QRadioButton *m_useKey = nullptr;
    QRadioButton *m_useSignIn = nullptr;
    QButtonGroup *m_how = nullptr;
    QLineEdit *m_key = nullptr;
    QPushButton *m_browseKey = nullptr;
    QLabel *m_keyHelp = nullptr;
    QLineEdit *m_client = nullptr;
    QPushButton *m_browseClient = nullptr;
    QLabel *m_signInHelp = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_cancelSignIn = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_ok = nullptr;
    UserSignIn *m_signIn = nullptr; // while the browser sign-in runs (a child of the dialog)
};

} // namespace tt::ui
