// The most common leaked passwords of 10 or more characters (shorter ones fail the length rule anyway).
export const COMMON_PASSWORDS = new Set([
  '1234567890', '0987654321', '1234567891', '1234567899', '12345678910', '123456789a', 'a123456789',
  'qwertyuiop', 'qwertyuiop123', 'qwerty1234', 'qwerty12345', 'qwerty123456', '1qaz2wsx3edc', 'zaq12wsxcde3',
  '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'q1w2e3r4t5y6', 'asdfghjkl1', 'asdfghjkl;', 'zxcvbnm123',
  'password12', 'password123', 'password1234', 'password12345', 'password!1', 'password01', 'passw0rd123',
  'passw0rd12', 'p@ssword123', 'p@ssw0rd123', 'p@ssword12', 'password123!', 'mypassword1', 'mypassword',
  'iloveyou12', 'iloveyou123', 'iloveyou1234', 'letmein123', 'welcome123', 'welcome1234', 'welcome2024',
  'welcome2025', 'welcome2026', 'changeme123', 'changeme12', 'administrator', 'admin12345', 'admin123456',
  'football123', 'baseball123', 'superman123', 'batman12345', 'princess123', 'sunshine123', 'starwars123',
  'trustno1234', 'abcdefghij', 'abcdefghijk', 'abc1234567', 'abcd123456', 'abcde12345', 'abc123456789',
  'aa12345678', 'qazwsxedcrfv', 'qazwsxedc123', 'michael123', 'jordan2323', 'computer123', 'internet123',
  'newzealand', 'newzealand1', 'aotearoa123', 'kiwikiwi12', 'allblacks1', 'auckland123', 'wellington1',
  'christchurch', 'summer2024', 'summer2025', 'summer2026', 'winter2025', 'spring2025', 'autumn2025',
  'spring2026', 'winter2026', 'autumn2026', 'password2024', 'password2025', 'password2026', 'microcredential',
  'micro-credentials', 'microcredentials', 'engineering', 'engineering1', 'engineer123', 'education1',
  'community123', 'qwertyqwerty', 'asdfasdfasdf', '1234qwerasdf', '1234512345', '1122334455', '1212121212',
  '1231231231', '123123123123', '5555555555', '7777777777', '9876543210', '0123456789', '987654321a',
]);
