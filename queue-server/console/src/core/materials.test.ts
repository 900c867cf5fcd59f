import { describe, expect, it } from 'vitest';
import { pickDocumentCamera } from './materials.ts';

const webcam = { deviceId: 'a', label: 'Integrated Webcam (0c45:6a06)' };
const gaopaiyi = { deviceId: 'b', label: 'USB Camera (1b3f:2247)' };
const setting = { labelMatch: 'usb ?2?\\.?0? ?camera', width: 2592, height: 1944, rotation: 0 as const };

describe('the window’s document camera (SPEC MAT-DEV-3)', () => {
  it('MAT-DEV-3: picks the camera whose label matches the profile, not the first one', () => {
    expect(pickDocumentCamera([webcam, gaopaiyi], setting)).toEqual({ camera: gaopaiyi, note: null });
    expect(
      pickDocumentCamera([webcam, { deviceId: 'c', label: 'USB2.0 CAMERA' }], setting).camera?.deviceId,
    ).toBe('c');
  });

  it('MAT-DEV-3: falls back to the first camera with a note when none matches, none is configured, or the pattern is broken', () => {
    const none = pickDocumentCamera([webcam], setting);
    expect(none.camera).toBe(webcam);
    expect(none.note).toMatch(
      /^未找到名称符合「usb \?2\?\\\.\?0\? \?camera」的高拍仪，已使用第一个摄像头「Integrated Webcam/,
    );
    expect(pickDocumentCamera([webcam, gaopaiyi], null)).toMatchObject({
      camera: webcam,
      note: expect.stringMatching(/^本窗口的终端配置未指定高拍仪/),
    });
    expect(pickDocumentCamera([webcam], { ...setting, labelMatch: '(' }).note).toMatch(/名称规则无效/);
    expect(pickDocumentCamera([], setting)).toEqual({
      camera: null,
      note: '未找到摄像头：请检查高拍仪的数据线',
    });
  });
});
