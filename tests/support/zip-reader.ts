/** The independent zip / WinZip AES reader the export tests open files with. */
export * from '@orderline/export/testing';
