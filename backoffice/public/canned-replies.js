/*
 * The reply box's canned replies: choosing one puts its text in the reply box (where the
 * counsellor can still edit it), after what is already typed. No inline script: the back office's
 * CSP allows only files of its own.
 */
(function () {
  'use strict';
  var pickers = document.querySelectorAll('select[data-canned-target]');
  Array.prototype.forEach.call(pickers, function (picker) {
    var box = document.getElementById(picker.getAttribute('data-canned-target'));
    if (!box) return;
    picker.addEventListener('change', function () {
      if (!picker.value) return;
      var typed = box.value.replace(/\s+$/, '');
      box.value = typed ? typed + '\n\n' + picker.value : picker.value;
      picker.value = '';
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    });
  });
})();
