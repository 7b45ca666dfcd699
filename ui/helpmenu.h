#pragma once
class QMainWindow;
class QString;

namespace tt::ui {
// Adds the Help menu: the administrator's guide, About TrackTally Recovery, About Qt.
void installHelpMenu(QMainWindow *window);
// The About box's text: version, and each library with its version and licence.
QString aboutText();
// Where the administrator's guide is: the installed copy, else the one in the source tree; empty if neither.
QString guidePath();
} // namespace tt::ui
